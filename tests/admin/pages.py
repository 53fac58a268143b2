"""Reading Django admin pages in tests."""


def results_table(response):
    """The HTML of a changelist's result table (empty when the list is empty)."""
    page = response.content.decode()
    if 'id="result_list"' not in page:
        return ""
    return page.split('id="result_list"', 1)[1].split("</table>", 1)[0]


def row_count(response):
    """How many rows a changelist shows on this page."""
    return results_table(response).split("<tbody>", 1)[-1].count("</tr>")


def filter_link(response, title):
    """The query string of the filter sidebar link named `title`."""
    sidebar = response.content.decode().split('id="changelist-filter"', 1)[1]
    for link in sidebar.split('<a href="')[1:]:
        href, text = link.split('"', 1)[0], link.split(">", 1)[1].split("</a>", 1)[0]
        if text.strip() == title:
            return href.replace("&amp;", "&")
    raise AssertionError(f"no filter link {title!r}")
