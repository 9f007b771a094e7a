"""Who may create, change or move a record through the generic screens and the REST API
(`ensure_may_write`), and which rows `visible` gives for an actor named by the caller. The
demo world: bo acts for 101, whose home is Copenhagen (kbh) and which has an estate in
Roskilde; 751 belongs to Aarhus."""

import pytest
from sqlalchemy import select

from app.models import AppUser, Estate, Municipality, Organisation, Statement
from app.security import AccessRefused, actor_for, ensure_may_write, visible
from tests.services.test_filling import package_of

ELSEWHERE = "Du kan ikke oprette, ændre eller flytte denne post: du handler ikke for den."
NOT_HOME = "Kun hjemstedskommunen kan fastsætte fristen for organisationens pakke."


def actor(db, username):
    return actor_for(db.session.scalar(select(AppUser).where(AppUser.username == username)))


def organisation(db, number):
    return db.session.scalar(select(Organisation).where(Organisation.number == number))


def municipality(db, name):
    return db.session.scalar(select(Municipality).where(Municipality.name == name))


def refusal(item, who) -> str | None:
    try:
        ensure_may_write(item, who)
    except AccessRefused as refused:
        return str(refused)
    return None


def test_visible_gives_the_rows_of_the_actor_named_not_of_the_requests_user(world, db):
    # no one is logged in here: the rows are those of the actor passed
    kbh = db.session.scalars(visible(Organisation, actor(db, "kbh"))).all()
    bo = db.session.scalars(visible(Organisation, actor(db, "bo"))).all()
    assert [o.number for o in bo] == [101]
    assert 101 in [o.number for o in kbh]
    assert 751 not in [o.number for o in kbh]


def test_an_organisation_may_write_its_own_records_and_nothing_else(world, db):
    bo = actor(db, "bo")
    own = db.session.scalar(
        select(Estate).where(Estate.organisation_id == organisation(db, 101).id)
    )
    foreign = db.session.scalar(
        select(Estate).where(Estate.organisation_id == organisation(db, 751).id)
    )
    assert refusal(own, bo) is None
    assert refusal(organisation(db, 101), bo) is None
    assert refusal(foreign, bo) == ELSEWHERE
    assert refusal(organisation(db, 751), bo) == ELSEWHERE
    # moving its own estate to another organisation is judged by where it points now
    own.organisation_id = organisation(db, 751).id
    assert refusal(own, bo) == ELSEWHERE
    db.session.rollback()


def test_only_the_home_municipality_may_set_a_packages_deadline(world, db):
    package = package_of(db, 101)
    assert refusal(package, actor(db, "kbh")) is None
    assert refusal(package, actor(db, "roskilde")) == NOT_HOME
    assert refusal(package, actor(db, "aarhus")) == NOT_HOME


@pytest.mark.parametrize("user", ["kbh", "roskilde"])
def test_a_municipality_may_write_no_organisation_or_estate(world, db, user):
    assert refusal(organisation(db, 101), actor(db, user)) == ELSEWHERE
    assert refusal(package_of(db, 101).forms[0], actor(db, user)) == ELSEWHERE


def test_a_municipality_may_write_only_its_own_statements(world, db):
    package = package_of(db, 101)
    statement = Statement(
        package_id=package.id,
        municipality_id=municipality(db, "København").id,
        filename="redegoerelse.pdf",
    )
    assert refusal(statement, actor(db, "kbh")) is None
    assert refusal(statement, actor(db, "roskilde")) == ELSEWHERE


def test_lbf_may_write_every_record(world, db):
    lbf = actor(db, "lbf")
    assert refusal(organisation(db, 751), lbf) is None
    assert refusal(package_of(db, 101), lbf) is None


def _figures(db, who):
    from app.models import KeyFigureValue

    return db.session.scalars(visible(KeyFigureValue, who)).all()


def test_an_organisation_sees_only_its_own_key_figures(world, db):
    own = organisation(db, 101).id
    figures = _figures(db, actor(db, "bo"))
    assert figures
    assert {f.organisation_id for f in figures} == {own}


def test_a_location_municipality_sees_the_figures_of_the_estates_in_it_only(world, db):
    roskilde = municipality(db, "Roskilde").id
    figures = _figures(db, actor(db, "roskilde"))
    estates = {e.id: e for e in db.session.scalars(select(Estate))}
    # 101's home is Copenhagen: Roskilde sees its estate there, not 101's own figures
    assert figures
    assert all(f.estate_id is not None for f in figures)
    assert {estates[f.estate_id].municipality_id for f in figures} == {roskilde}


def test_the_home_municipality_sees_its_organisations_figures(world, db):
    figures = _figures(db, actor(db, "kbh"))
    assert organisation(db, 101).id in {f.organisation_id for f in figures}
    assert any(f.estate_id is None for f in figures)
    assert organisation(db, 751).id not in {f.organisation_id for f in figures}


def test_no_one_logged_in_sees_no_key_figure_and_no_user(world, db):
    from app.rules.access import Actor
    from app.rules.enums import Role

    public = Actor(user_id=None, roles=frozenset({Role.PUBLIC}))
    assert _figures(db, public) == []
    assert db.session.scalars(visible(AppUser, public)).all() == []


def test_a_user_sees_only_their_own_user_record(world, db):
    users = db.session.scalars(visible(AppUser, actor(db, "bo"))).all()
    assert [u.username for u in users] == ["bo"]


def _statement(db, municipality_name, published=False):
    statement = Statement(
        package_id=package_of(db, 101).id,
        municipality_id=municipality(db, municipality_name).id,
        supplementary=municipality_name != "København",
        filename="redegoerelse.pdf",
        content=b"%PDF-1.4\n%%EOF\n",
        published=published,
    )
    db.session.add(statement)
    db.session.commit()
    return statement.id


def _sees(db, username, statement_id) -> bool:
    from app.rules.access import Actor
    from app.rules.enums import Role

    who = (
        Actor(user_id=None, roles=frozenset({Role.PUBLIC}))
        if username is None
        else actor(db, username)
    )
    return (
        statement_id
        in db.session.scalars(
            select(Statement.id).where(
                Statement.id.in_(visible(Statement, who).with_only_columns(Statement.id))
            )
        ).all()
    )


# 101: home Copenhagen (kbh), an estate in Roskilde; nord and Aarhus have nothing to do with it
@pytest.mark.parametrize(
    ("writer", "published", "seen_by"),
    [
        # the home municipality's statement before publication: it and the organisation
        ("København", False, {"kbh", "bo"}),
        # a location municipality's supplement: it, the home municipality and the organisation
        ("Roskilde", False, {"roskilde", "kbh", "bo"}),
        # published: everyone, logged in or not
        ("København", True, {"kbh", "roskilde", "aarhus", "bo", "nord", None}),
    ],
)
def test_an_unpublished_statement_is_seen_by_its_writer_the_home_municipality_and_the_organisation(
    world, db, writer, published, seen_by
):
    statement_id = _statement(db, writer, published)
    everyone = ["kbh", "roskilde", "aarhus", "bo", "nord", None]
    assert {u for u in everyone if _sees(db, u, statement_id)} == seen_by


@pytest.mark.parametrize(
    ("user", "relations"),
    [
        ("bo", {"ORGANISATION"}),
        ("kbh", {"HOME_MUNICIPALITY"}),
        ("roskilde", {"LOCATION_MUNICIPALITY"}),
        # Aarhus has estates of other organisations, none of 101's
        ("aarhus", set()),
        ("nord", set()),
        ("lbf", {"LBF"}),
    ],
)
def test_each_actor_stands_to_101s_package_as_its_place_says(world, db, user, relations):
    from app.security import relations_to_package

    found = relations_to_package(actor(db, user), package_of(db, 101))
    assert {r.value for r in found} == relations


def test_an_organisation_writes_forms_attachments_and_statements_by_their_package(world, db):
    """A record of a package belongs to the package's organisation: 101 may write its own
    package's form and a new attachment to it, not those of 751's package; a record of no
    package, and one with no organisation at all, are nobody's to write."""
    from app.models import Attachment, Form

    bo = actor(db, "bo")
    own, foreign = package_of(db, 101), package_of(db, 751)
    own_form = db.session.scalar(select(Form).where(Form.package_id == own.id).limit(1))
    foreign_form = db.session.scalar(select(Form).where(Form.package_id == foreign.id).limit(1))
    assert refusal(own_form, bo) is None
    assert refusal(foreign_form, bo) == ELSEWHERE
    assert refusal(Attachment(package_id=own.id, filename="a.pdf"), bo) is None
    assert refusal(Attachment(package_id=foreign.id, filename="a.pdf"), bo) == ELSEWHERE
    assert refusal(Statement(package_id=own.id), bo) is None
    assert refusal(Attachment(package_id=None, filename="a.pdf"), bo) == ELSEWHERE
    assert refusal(db.session.scalar(select(Municipality).limit(1)), bo) == ELSEWHERE
    db.session.rollback()


def test_outside_a_request_the_actor_is_the_public(app):
    """A service called from a command or a task without an actor names acts as the public:
    it sees what the public sees and may write nothing."""
    from app.rules.access import Actor
    from app.rules.enums import Role
    from app.security import current_actor

    with app.app_context():
        assert current_actor() == Actor(user_id=None, roles=frozenset({Role.PUBLIC}))


def test_the_actor_is_read_from_the_database_once_per_request(app, world, db):
    """Every guard of a request asks for the actor: the user's organisations are looked up
    once, then the same actor is used."""
    from flask import g
    from flask_login import login_user
    from sqlalchemy import event

    from app.security import current_actor

    user = db.session.scalar(select(AppUser).where(AppUser.username == "adm"))
    statements = []

    def count(*_args):
        statements.append(1)

    with app.test_request_context("/"):
        login_user(user)
        g.user = user
        first = current_actor()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            again = current_actor()
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    assert first.organisation_ids == again.organisation_ids != frozenset()
    assert statements == []


def test_a_visitor_without_a_login_is_the_public_and_acts_for_no_organisation(world, db):
    from flask_login import AnonymousUserMixin

    from app.rules.access import Actor
    from app.rules.enums import Role

    public = Actor(user_id=None, roles=frozenset({Role.PUBLIC}))
    assert actor_for(None) == public
    assert actor_for(AnonymousUserMixin()) == public
    municipality = actor(db, "kbh")
    assert (municipality.organisation_ids, municipality.organisation_id) == (frozenset(), None)


def test_a_model_without_a_row_level_filter_is_refused_by_name(world, db):
    from app.security import row_filter

    class Unfiltered:
        pass

    with pytest.raises(LookupError, match="no row-level filter for Unfiltered"):
        row_filter(Unfiltered, actor(db, "bo"))
