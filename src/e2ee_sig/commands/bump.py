"""``e2ee-sig bump``: add a revision block with the right version bump."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from e2ee_sig.commands._common import CONTEXT, DAY, config
from e2ee_sig.errors import E2eeSigError, print_error
from e2ee_sig.xep.vocab import BUMP_LEVELS


@click.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--remark",
    "-m",
    "remarks",
    multiple=True,
    required=True,
    metavar="TEXT",
    help="What changed; repeat for several (one <li> each).",
)
@click.option(
    "--initials", metavar="XX", help="Your initials (default: 'initials' in [tool.e2ee-sig])."
)
@click.option(
    "--level",
    type=click.Choice(BUMP_LEVELS),
    help="patch = editorial, minor = substantive (default), major = with --status only.",
)
@click.option(
    "--status",
    metavar="STATUS",
    help="Also change <status> (e.g. Draft, Active, Final); needed for --level major.",
)
@click.option(
    "--date", "revision_date", type=DAY, help="Date of the revision (default: today, UTC)."
)
@click.option("--dry-run", is_flag=True, help="Print the change as a diff; write nothing.")
def bump(
    paths: tuple[Path, ...],
    remarks: tuple[str, ...],
    initials: str | None,
    level: str | None,
    status: str | None,
    revision_date: date | None,
    dry_run: bool,
) -> None:
    """Add a revision block with the right version bump.

    Inserts the block before the first <revision>, in the file's own indentation, and changes
    nothing else. Versions follow XEP-0001 and XEP-0143: a ProtoXEP goes 0.0.N → 0.0.N+1;
    otherwise patch (x.y.z+1) is an editorial change and minor (x.y+1.0, the default) a
    substantive one, which returns a Deferred XEP to Experimental; major needs --status.
    Legacy versions continue in three parts (1.2 → 1.3.0). Each file is bumped or left alone.

    \b
    Examples:
      e2ee-sig bump xep-0384.xml -m "Clarify device list handling." --initials ps
      e2ee-sig bump xep-0373.xml --level patch -m "Fix typos." --initials th
      e2ee-sig bump inbox/omemo-mls.xml -m "Add key rotation." -m "Fix examples." --initials ae
      e2ee-sig bump xep-0420.xml --level major --status Draft -m "Advanced to Stable." \\
          --initials "XEP Editor (dg)" --date 2026-12-01 --dry-run

    Exit status: 0 all files bumped, 2 a file was refused or the input is wrong.
    """
    from e2ee_sig.bump import BumpError, BumpRequest, bump_file

    initials = initials or config().get("initials")
    if not initials:
        raise E2eeSigError("--initials is required (or set 'initials' in [tool.e2ee-sig])")
    request = BumpRequest(
        paths=paths,
        remarks=remarks,
        initials=initials,
        level=level,  # type: ignore[arg-type]
        status=status,
        date=revision_date.isoformat() if revision_date else None,
        dry_run=dry_run,
    )
    failed = False
    for path in paths:
        try:
            plan = bump_file(path, request)
        except BumpError as error:
            print_error(f"{path}: {error}")
            failed = True
            continue
        if dry_run:
            click.echo(plan.diff(), nl=False)
        click.echo(plan.summary() + (" [dry run: nothing written]" if dry_run else ""))
    sys.exit(2 if failed else 0)
