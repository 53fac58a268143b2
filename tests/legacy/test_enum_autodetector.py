"""How `makemigrations` tells a renamed enum value from a removed one and an added one."""

import pytest
from django.core.management.base import CommandError
from django.db.migrations.questioner import (
    InteractiveMigrationQuestioner,
    NonInteractiveMigrationQuestioner,
)
from django.db.migrations.state import ModelState, ProjectState

from scalper.legacy.autodetector import EnumAutodetector
from scalper.legacy.enum_values import AddEnumValue, RemoveEnumValue, RenameEnumValue
from scalper.legacy.fields import EnumField
from scalper.legacy.operations import CreateEnumType

EXCHANGES = [("COINDCX_F", "CoinDCX F"), ("BINANCE", "Binance"), ("BYBIT", "Bybit")]


class Answers(InteractiveMigrationQuestioner):
    """An interactive questioner that answers `answer` and remembers the questions."""

    def __init__(self, answer):
        super().__init__()
        self.answer, self.questions = answer, []

    def _boolean_input(self, question, default=None):
        self.questions.append(question)
        return self.answer


def state(choices, enum_type="exchange"):
    project = ProjectState()
    if choices is not None:
        field = EnumField(enum_type=enum_type, choices=choices)
        project.add_model(ModelState("bots", "bot", [("exchange", field)]))
    return project


def operations(old, new, questioner=None):
    detector = EnumAutodetector(
        state(old), state(new), questioner or NonInteractiveMigrationQuestioner()
    )
    changes = detector._detect_changes()
    return [
        (type(operation).__name__, operation.deconstruct()[1], operation.deconstruct()[2])
        for migration in changes.get("bots", [])
        for operation in migration.operations
    ]


def test_a_new_member_is_added_after_its_predecessor_or_before_the_first():
    assert operations(EXCHANGES, [*EXCHANGES[:2], ("OKX", "OKX"), EXCHANGES[2]]) == [
        ("AddEnumValue", ["exchange", "OKX", "OKX"], {"after": "BINANCE"})
    ]
    assert operations(EXCHANGES, [("OKX", "OKX"), *EXCHANGES]) == [
        ("AddEnumValue", ["exchange", "OKX", "OKX"], {"before": "COINDCX_F"})
    ]


def test_a_changed_value_with_the_same_display_label_is_a_rename_without_asking():
    questioner = Answers(False)
    renamed = [EXCHANGES[0], ("BINANCE_SPOT", "Binance"), EXCHANGES[2]]

    assert operations(EXCHANGES, renamed, questioner) == [
        ("RenameEnumValue", ["exchange", "BINANCE", "BINANCE_SPOT"], {})
    ]
    assert questioner.questions == []


def test_a_value_and_label_changed_in_place_is_asked_about_and_renamed_on_yes():
    questioner = Answers(True)
    changed = [EXCHANGES[0], ("BINANCE_SPOT", "Binance spot"), EXCHANGES[2]]

    rename, alter = operations(EXCHANGES, changed, questioner)

    assert rename == ("RenameEnumValue", ["exchange", "BINANCE", "BINANCE_SPOT"], {})
    assert alter[0] == "AlterField"  # the display label, without SQL
    assert questioner.questions[0] == (
        "Was value BINANCE of enum type exchange renamed to BINANCE_SPOT (same place, another "
        "display label)? [y/N]"
    )


def test_without_a_yes_it_is_a_removal_and_an_addition():
    changed = [EXCHANGES[0], ("BINANCE_SPOT", "Binance spot"), EXCHANGES[2]]

    for questioner in (Answers(False), NonInteractiveMigrationQuestioner()):
        assert operations(EXCHANGES, changed, questioner) == [
            ("RemoveEnumValue", ["exchange", "BINANCE", "Binance"], {"after": "COINDCX_F"}),
            ("AddEnumValue", ["exchange", "BINANCE_SPOT", "Binance spot"], {"after": "COINDCX_F"}),
        ]


def test_a_display_label_change_alone_is_an_alter_field():
    relabelled = [EXCHANGES[0], ("BINANCE", "Binance.com"), EXCHANGES[2]]

    assert [name for name, *_ in operations(EXCHANGES, relabelled)] == ["AlterField"]


def test_reordering_values_is_refused_with_what_to_do():
    with pytest.raises(CommandError, match="The values of enum type exchange changed order"):
        operations(EXCHANGES, [EXCHANGES[1], EXCHANGES[0], EXCHANGES[2]])


def test_a_type_no_column_used_before_is_created_ahead_of_its_column():
    detector = EnumAutodetector(state(None), state(EXCHANGES, "venue"))
    [migration] = detector._detect_changes()["bots"]

    assert isinstance(migration.operations[0], CreateEnumType)
    assert migration.operations[0].deconstruct()[1] == ["venue", ["COINDCX_F", "BINANCE", "BYBIT"]]


def test_the_operations_change_the_choices_of_every_column_of_the_type_and_back():
    project = state(EXCHANGES)
    project.add_model(
        ModelState(
            "orders", "order", [("exchange", EnumField(enum_type="exchange", choices=EXCHANGES))]
        )
    )
    for operation in (
        AddEnumValue("exchange", "OKX", "OKX", after="BINANCE"),
        RenameEnumValue("exchange", "BYBIT", "BYBIT_V5"),
        RemoveEnumValue("exchange", "COINDCX_F", "CoinDCX F", before="BINANCE"),
    ):
        operation.state_forwards("bots", project)
    for key in (("bots", "bot"), ("orders", "order")):
        field = project.models[key].fields["exchange"]
        assert [list(choice) for choice in field.choices] == [
            ["BINANCE", "Binance"],
            ["OKX", "OKX"],
            ["BYBIT_V5", "Bybit"],
        ]
        assert field.max_length == 8
