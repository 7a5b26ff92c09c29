"""Look-alike names: a confusables corpus generated from every seeded volunteer and staff
name is refused at registration; ordinary Chinese and English names are accepted; promotion,
the operator's report and the verified badge."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from forum import accounts, lookalikes, markup
from forum.demo import DEMO_FILE
from forum.errors import DomainError
from forum.models import Role, User
from tests.factories import make_user

PASSWORD = "a long enough password"
SEEDED = [
    (u["name"], u["role"])
    for u in json.loads(DEMO_FILE.read_text("utf-8"))["users"]
    if u["role"] in ("staff", "volunteer")
]
# Latin letters and the Cyrillic or Greek letters that look the same.
HOMOGLYPHS = {
    "a": "аɑα", "c": "сϲ", "e": "еε", "i": "іι", "o": "оοο", "p": "рρ", "x": "хχ", "y": "уγ",
    "A": "АΑ", "B": "ВΒ", "C": "С", "E": "ЕΕ", "H": "НΗ", "I": "ІΙl", "K": "КΚ", "M": "МΜ",
    "N": "Ν", "O": "ОΟ0", "P": "РΡ", "S": "Ѕ", "T": "ТΤ", "X": "ХΧ", "l": "Iӏ", "W": "Ԝ",
}  # fmt: skip


def confusables_of(name: str) -> set[str]:
    """Look-alikes of a name: one or all letters swapped, separators added or removed."""
    found = set()
    for i, ch in enumerate(name):
        for glyph in HOMOGLYPHS.get(ch, ""):
            found.add(name[:i] + glyph + name[i + 1 :])
    whole = "".join(HOMOGLYPHS.get(ch, ch)[0] for ch in name)
    found |= {whole, name + "_", name + "__", "_" + name, name.upper(), name.lower()}
    bare = name.replace("_", "")
    found |= {bare, name.replace("_", "-"), name.replace("_", "."), name.replace("_", "__")}
    if "_" not in name and len(name) > 2:
        found |= {name[:2] + "_" + name[2:], name[:-1] + "-" + name[-1]}
    swappable = [i for i, ch in enumerate(name) if ch in HOMOGLYPHS]
    for i in swappable:  # two letters swapped at once
        for j in swappable:
            if i < j:
                swapped = list(name)
                swapped[i], swapped[j] = HOMOGLYPHS[name[i]][-1], HOMOGLYPHS[name[j]][0]
                found.add("".join(swapped))
    found |= {
        name.translate(
            str.maketrans(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"
            )
        )
    }
    return {f for f in found if 2 <= len(f) <= 32}


def _seed_staff() -> None:
    for name, role in SEEDED:
        make_user(name, Role(role))


def test_every_lookalike_of_every_seeded_volunteer_and_staff_name_is_refused(ctx):
    _seed_staff()
    corpus = {variant for name, _role in SEEDED for variant in confusables_of(name)}
    corpus |= {"ɑdmin", "Ѕupport", "Mia_ТР", "Μia_TP", "еth_helper", "eth_heIper", "Mia-TP",
               "MiaTP", "Mia_TP_", "Ieo_W", "Byte_N0mad", "链上老王_", "小鱼干."}  # fmt: skip
    accepted = []
    for variant in sorted(corpus):
        try:
            accounts.register(variant, PASSWORD)
        except DomainError:
            continue
        accepted.append(variant)
    assert len(corpus) > 120, len(corpus)
    assert accepted == []


ORDINARY = [
    "张三_2024", "Mia王", "小明", "王小二", "李雷lilei", "韩梅梅", "alice", "bob_smith",
    "Olivia-88", "crypto.fan", "Tom_Lee", "陈小春", "miaomiao",
    "エミ", "김민수", "Иван", "Γιάννης", "老李_2025", "ravi_k", "hodl4life",
]  # fmt: skip


@pytest.mark.parametrize("name", ORDINARY)
def test_ordinary_chinese_and_english_names_are_accepted(ctx, name):
    _seed_staff()
    assert accounts.register(name, PASSWORD).username == name


@pytest.mark.parametrize("name", ["Mаria", "pаypal_fan", "Αlex", "Jоhn_Smith", "小明Иван"])
def test_mixed_script_names_are_refused(ctx, name):
    with pytest.raises(DomainError) as info:
        accounts.register(name, PASSWORD)
    assert info.value.field == "username"


@pytest.mark.parametrize("name", ["Mia✓", "Mia_TP✔", "☑support", "🛡Leo", "Leo🛡", "✅Leo"])
def test_badge_glyphs_cannot_be_part_of_a_name(ctx, name):
    with pytest.raises(DomainError):
        accounts.register(name, PASSWORD)


def test_the_verified_badge_cannot_be_produced_in_a_post():
    html = markup.render(
        '<span class="badge staff" title="Verified staff member">✔ Staff</span> '
        '<a class="badge staff" href="/u/x">✔ Staff</a> <b class="badge">x</b>'
    )
    assert 'class="badge' not in html and "<span" not in html  # shown as text, never as a badge
    assert 'class="' not in markup.render("[✔ Staff](/u/x){.badge .staff}")


def test_staff_names_show_the_verified_badge(client, ctx):
    _seed_staff()
    make_user("ordinary_person")
    html = client.get("/u/Mia_TP").get_data(as_text=True)
    assert 'class="badge staff"' in html
    assert 'class="badge' not in client.get("/u/ordinary_person").get_data(as_text=True)


def test_a_suspended_or_demoted_name_is_free_to_look_like(ctx):
    staff = make_user("Mia_TP", Role.STAFF)
    staff.is_suspended = True
    assert accounts.register("Mia-TP", PASSWORD)


def test_promotion_is_refused_while_lookalikes_exist(ctx):
    admin = make_user("root_admin", Role.ADMIN)
    member = make_user("Leo_W")
    imitator = make_user("Leo-W")
    with pytest.raises(DomainError) as info:
        accounts.set_role(admin, member, "volunteer")
    assert "Leo-W" in str(info.value.message)
    accounts.set_suspended(admin, imitator, True)
    accounts.set_role(admin, member, "volunteer")
    assert member.role == Role.VOLUNTEER


def test_the_operator_report_lists_existing_collisions(app, ctx):
    make_user("Mia_TP", Role.STAFF)
    make_user("eth_helper", Role.VOLUNTEER)
    make_user("Mia_ТР")  # Cyrillic, from before the rule
    make_user("eth_heIper")
    make_user("innocent")
    result = app.test_cli_runner().invoke(args=["forum", "lookalikes"])
    assert result.exit_code == 1
    assert "Mia_ТР\tlooks like\tMia_TP" in result.output
    assert "eth_heIper\tlooks like\teth_helper" in result.output
    assert "innocent" not in result.output and "2 look-alike" in result.output
    ids = {u.username for u, _p in lookalikes.all_collisions()}
    assert ids == {"Mia_ТР", "eth_heIper"}
    assert db_users() == 5


def db_users() -> int:
    from forum.extensions import db

    return len(db.session.scalars(select(User.id)).all())


def test_skeleton_basics():
    assert lookalikes.skeleton("Mia_ТР") == lookalikes.skeleton("mia-tp")
    assert lookalikes.skeleton("LEO_W") == lookalikes.skeleton("Leo_W")
    assert lookalikes.skeleton("rnodern") == lookalikes.skeleton("modern")
    assert lookalikes.skeleton("小鱼干") == "小鱼干"
    assert lookalikes.skeleton("Mia") != lookalikes.skeleton("Max")
    assert not lookalikes.is_mixed_script("张三_2024") and not lookalikes.is_mixed_script("Mia王")
    assert lookalikes.is_mixed_script("Mia_ТР") and lookalikes.is_mixed_script("Μia_TP")
