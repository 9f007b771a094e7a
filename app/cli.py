"""Command-line use cases: `flask open-year`, `flask demo-data`, `flask setup` and friends."""

import click
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db
from app.services import demo_data
from app.services.masterdata import load_regions_and_municipalities
from app.services.year_opening import OpenYearError, open_year


@click.command("open-year")
@click.argument("year", type=int)
@with_appcontext
def open_year_command(year: int) -> None:
    """Open dialogue year YEAR: one package per organisation."""
    try:
        result = open_year(year, current_app.config["QUESTIONNAIRE_VERSION"])
    except OpenYearError as error:
        raise click.ClickException(str(error)) from error
    if result.packages_created:
        click.echo(
            f"Styringsdialogår {year} åbnet: {result.packages_created} dokumentationspakker "
            f"og {result.forms_created} skemaer oprettet."
        )
    else:
        click.echo(
            f"Styringsdialogår {year} var allerede åbnet for alle {result.packages_existing} "
            "organisationer: intet nyt oprettet."
        )


@click.command("init-security")
@with_appcontext
def init_security_command() -> None:
    """Create the platform's roles and sync FAB's permissions (after `flask db upgrade`)."""
    appbuilder = current_app.appbuilder
    appbuilder.add_permissions(update_perms=True)
    appbuilder.sm.create_roles()
    click.echo("Roller og rettigheder er opdateret.")


@click.command("load-masterdata")
@with_appcontext
def load_masterdata_command() -> None:
    """Load the 5 regions and 98 municipalities (idempotent)."""
    regions, municipalities = load_regions_and_municipalities()
    click.echo(f"Tilføjet {regions} regioner og {municipalities} kommuner.")


@click.command("demo-data")
@click.option("--scale", type=click.Choice(["small", "sector"]), default="small")
@click.option("--seed", type=int, default=2026)
@click.option("--if-empty", is_flag=True, help="Do nothing, quietly, if organisations exist.")
@with_appcontext
def demo_data_command(scale: str, seed: int, if_empty: bool) -> None:
    """Make a deterministic demo world (refused if organisations exist)."""
    current_app.appbuilder.sm.create_roles()
    if if_empty and demo_data.world_exists():
        click.echo("Demodata findes allerede.")
        return
    try:
        result = demo_data.build(scale, seed)
    except demo_data.DemoDataError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Demodata ({result.scale}): {result.organisations} organisationer, "
        f"{result.estates} afdelinger, {result.dwellings} boliger."
    )
    for user in result.users:
        click.echo(
            f"  login {user.username:<10} adgangskode {demo_data.DEMO_PASSWORD}  "
            f"{user.role.value}: {user.description}"
        )


@click.command("demo-answers")
@click.argument("year", type=int)
@with_appcontext
def demo_answers_command(year: int) -> None:
    """Answer the demo packages of YEAR that have no answers yet."""
    from app.services import demo_answers

    saved = demo_answers.fill(year)
    click.echo(f"Demosvar for {year}: {saved} svar gemt.")


@click.command("import-register")
@click.argument("register")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_register_command(register: str, path: str) -> None:
    """Import the register file PATH in the format REGISTER (docs/registers.md)."""
    from pathlib import Path

    from flask_babel import gettext

    from app.rules.access import Actor
    from app.rules.enums import Role
    from app.services.errors import FormError
    from app.services.registers import problems_of, queue_import, run_import

    lbf = Actor(user_id=None, roles=frozenset({Role.LBF}))
    try:
        entry = queue_import(register, Path(path).name, Path(path).read_bytes(), lbf)
    except FormError as error:
        raise click.ClickException(gettext(error.message, **error.params)) from error
    entry = run_import(entry.id)
    click.echo(f"{entry.filename}: {gettext(entry.status.label)}")
    for problem in problems_of(entry):
        params = problem["params"]
        where = ", ".join(
            f"{label} {params[key]}"
            for key, label in (("row", "række"), ("column", "kolonne"))
            if key in params
        )
        click.echo(f"  {where}: {gettext(problem['message'], **params)}")
    if entry.status.value in ("REFUSED", "FAILED"):
        raise SystemExit(1)
    click.echo(f"  {entry.row_count} rækker, {entry.changed} ændringer.")


def register(app) -> None:
    for command in (
        import_register_command,
        open_year_command,
        init_security_command,
        load_masterdata_command,
        demo_data_command,
        demo_answers_command,
    ):
        app.cli.add_command(command)
