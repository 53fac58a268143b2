"""Reading Django admin pages in tests."""


def results_table(response):
    """The HTML of a changelist's result table (empty when the list is empty)."""
    page = response.content.decode()
    if 'id="result_list"' not in page:
        return ""
    return page.split('id="result_list"', 1)[1].split("</table>", 1)[0]
