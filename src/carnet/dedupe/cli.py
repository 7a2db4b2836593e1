"""``carnet dedupe``, ``carnet review``, ``carnet merges``, ``carnet unmerge``, and the
duplicate commands of ``carnet organisations`` (``dedupe``, ``merge``, ``merges``,
``unmerge``)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.columns import Columns
from rich.table import Table

from carnet.cli_support import JsonOption, console, errors, open_workspace, print_json
from carnet.dedupe.decide import LOOK_ALIKES, NAMES_ONLY, OWN_MOBILES
from carnet.dedupe.facade import DedupeReport, MergeInfo, ReviewItem, probability_text
from carnet.dedupe.organisation_facade import OrganisationDedupeReport
from carnet.dedupe.organisations import EVIDENCE
from carnet.model import Contact
from carnet.workspace import Carnet

Threshold = Annotated[
    float | None,
    typer.Option(min=0.0, max=1.0, help="Match probability (0-1); default from carnet.toml."),
]


def _pairs(n: int) -> str:
    return f"{n:,} pair" if n == 1 else f"{n:,} pairs"


def _print_report(report: DedupeReport) -> None:
    verb = "would merge" if report.dry_run else "merged"
    summary = Table(title=f"Duplicates among {report.contacts:,} active contacts")
    summary.add_column("decision")
    summary.add_column("pairs", justify="right")
    summary.add_column("contacts", justify="right")
    summary.add_row(
        f"{verb} (probability ≥ {report.auto_threshold:g})",
        f"{report.merged_pairs:,}",
        f"{report.contacts_merged:,} into {report.clusters:,}",
    )
    # strong pairs held back (names only, a rejection) wait for review too
    held_back = report.names_only or report.own_mobiles or report.look_alikes or report.demoted
    summary.add_row(
        f"to review (probability ≥ {report.review_threshold:g})"
        if held_back
        else f"to review ({report.review_threshold:g} ≤ probability < {report.auto_threshold:g})",
        f"{report.review:,}",
        "",
    )
    if report.names_only:
        summary.add_row(f"  of which {NAMES_ONLY}", f"{report.names_only:,}", "")
    if report.own_mobiles:
        summary.add_row(f"  of which {OWN_MOBILES}", f"{report.own_mobiles:,}", "")
    if report.look_alikes:
        summary.add_row(f"  of which {LOOK_ALIKES}", f"{report.look_alikes:,}", "")
    if report.skipped_rejected:
        summary.add_row("rejected before, not proposed", f"{report.skipped_rejected:,}", "")
    console.print(summary)
    if report.demoted:
        console.print(
            f"{report.demoted:,} strong pairs went to review: they would join contacts "
            "someone said were different people."
        )
    if report.names_only:
        console.print(
            f"{_pairs(report.names_only)} at probability ≥ {report.auto_threshold:g} "
            f"{'agrees' if report.names_only == 1 else 'agree'} on "
            "names only: nothing else (e-mail, phone, address, birth date) speaks for them and "
            "namesakes are common, so they wait for review."
        )
    if report.own_mobiles:
        console.print(
            f"{_pairs(report.own_mobiles)} at probability ≥ {report.auto_threshold:g} "
            f"{'holds' if report.own_mobiles == 1 else 'hold'} two "
            "different mobiles and neither a birth date nor an e-mail ties them: a father and "
            "his son, or two colleagues, share a name and an address too, so they wait for review."
        )
    if report.look_alikes:
        console.print(
            f"{_pairs(report.look_alikes)} at probability ≥ {report.auto_threshold:g} "
            f"{'looks' if report.look_alikes == 1 else 'look'} like a couple (M. and Mme), "
            "colleagues (other last names, one address or switchboard) or twins (alike first "
            "names, one birth date), and no e-mail or mobile of one person's ties them, so "
            f"{'it waits' if report.look_alikes == 1 else 'they wait'} for review."
        )
    if report.top_reasons:
        reasons = Table(title="Top reasons")
        reasons.add_column("evidence")
        reasons.add_column("pairs", justify="right")
        for reason, count in report.top_reasons:
            reasons.add_row(reason, f"{count:,}")
        console.print(reasons)
    if report.example:
        ids = report.example["contact_ids"]
        example = Table(
            title=f"Example: contacts {ids[0]} and {ids[1]}, "
            f"probability {probability_text(report.example['probability'])}"
        )
        example.add_column("comparison")
        example.add_column("agreement")
        example.add_column("weight", justify="right")
        for item in report.example["explanation"]:
            example.add_row(item["comparison"], item["level"], f"{item['weight']:+.2f}")
        example.add_row("", "match weight (sum)", f"{report.example['match_weight']:+.2f}")
        console.print(example)
    if report.dry_run:
        console.print("Dry run: nothing was written.")
    elif report.review:
        console.print("Review the uncertain pairs with `carnet review`.")
    console.print(f"{report.seconds:.1f} s")


def dedupe_command(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report what would happen; write nothing.")
    ] = False,
    auto_threshold: Threshold = None,
    review_threshold: Threshold = None,
    pairs_out: Annotated[
        Path | None,
        typer.Option(help="Write every pair, its decision and explanation (CSV/XLSX/JSON)."),
    ] = None,
    organisations: Annotated[
        bool,
        typer.Option(
            "--organisations/--no-organisations",
            help="Also merge duplicate organisations (first, so contacts see one company).",
        ),
    ] = True,
    as_json: JsonOption = False,
) -> None:
    """Find duplicate contacts: merge the sure ones, queue the uncertain ones for review.

    The model learns from the file itself (no labels); every pair carries its
    explanation. Merges can be undone with `carnet unmerge`. Duplicate
    organisations (same SIRET, SIREN, or name with a shared postcode or mail
    domain) are merged first; their pairs go to ORGANISATIONS-pairs next to
    --pairs-out, and `carnet organisations unmerge` undoes them.

    Example: carnet dedupe --dry-run --pairs-out paires.csv
    """
    with errors():
        ws = open_workspace(ctx)
        org_report = None
        # Bad thresholds must stop the command before it merges any organisation.
        ws._thresholds(auto_threshold, review_threshold)
        if organisations:
            org_pairs = _organisation_pairs_path(pairs_out) if pairs_out is not None else None
            with console.status("Looking for duplicate organisations…"):
                org_report = ws.find_duplicate_organisations(dry_run=dry_run, pairs_out=org_pairs)
            if not as_json:
                # Shown now: the search for people may still stop (too few contacts).
                _print_organisation_report(org_report)
        with console.status("Looking for duplicates…") as status:
            report = ws.find_duplicates(
                auto_threshold=auto_threshold,
                review_threshold=review_threshold,
                dry_run=dry_run,
                pairs_out=pairs_out,
                progress=lambda message: status.update(f"Looking for duplicates: {message}…"),
            )
    if as_json:
        data = report.to_dict()
        if org_report is not None:
            data["organisations"] = org_report.to_dict()
        print_json(data)
        return
    _print_report(report)
    if pairs_out is not None:
        console.print(f"Pairs written to {pairs_out}.")
        if org_report is not None:
            console.print(f"Organisation pairs written to {_organisation_pairs_path(pairs_out)}.")


def _organisation_pairs_path(pairs_out: Path) -> Path:
    """``paires.csv`` → ``paires.organisations.csv``."""
    return pairs_out.with_name(f"{pairs_out.stem}.organisations{pairs_out.suffix}")


def _print_organisation_report(report: OrganisationDedupeReport) -> None:
    verb = "would merge" if report.dry_run else "merged"
    summary = Table(title=f"Duplicates among {report.organisations:,} active organisations")
    summary.add_column("evidence")
    summary.add_column("decision")
    summary.add_column("pairs", justify="right")
    for evidence, count in report.evidence.items():
        decision = verb if EVIDENCE[evidence] == "merge" else "review"
        summary.add_row(evidence, decision, f"{count:,}")
    for reason, count in report.kept_apart.items():
        summary.add_row(reason, "kept apart", f"{count:,}")
    console.print(summary)
    console.print(
        f"{verb.capitalize()} {report.organisations_merged:,} organisations into "
        f"{report.groups:,}; {report.review_count:,} pairs agree on the name only."
    )
    if report.example:
        names = " = ".join(f"{n!r}" for n in report.example["names"])
        console.print(f"Example: {names}: {'; '.join(report.example['evidence'])}.")
    if report.review:
        review = Table(title="Same name only: merge by hand if they are one company")
        for column in ("ids", "name", "name", "contacts"):
            review.add_column(column)
        for row in report.review[:10]:
            review.add_row(
                f"{row['organisation_id_l']} {row['organisation_id_r']}",
                str(row["name_l"]),
                str(row["name_r"]),
                f"{row['contacts_l']} + {row['contacts_r']}",
            )
        console.print(review)
        console.print(
            "Merge a pair with `carnet organisations merge ID OTHER_ID`, or say they are two "
            "companies with `carnet organisations keep-apart ID OTHER_ID`."
        )


def _points(contact: Contact, kind: str) -> str:
    return "\n".join(p.normalised or p.raw or "" for p in contact.points_of(kind))


def _address(contact: Contact) -> str:
    return "\n".join(
        " ".join(x for x in (p.line1, p.postcode, p.city) if x)
        for p in contact.points_of("address")
    )


def _side_by_side(ws: Carnet, item: ReviewItem) -> Table:
    table = Table(
        title=f"Pair {item.pair_id}: same person? probability {probability_text(item.probability)}"
    )
    table.add_column("")
    table.add_column(f"contact {item.left.id}")
    table.add_column(f"contact {item.right.id}")
    rows: list[tuple[str, Any, Any]] = [
        ("name", item.left.name, item.right.name),
        ("birth date", item.left.birth_date, item.right.birth_date),
        ("emails", _points(item.left, "email"), _points(item.right, "email")),
        ("phones", _points(item.left, "phone"), _points(item.right, "phone")),
        ("address", _address(item.left), _address(item.right)),
        ("organisation", item.left.organisation_name, item.right.organisation_name),
        ("job title", item.left.job_title, item.right.job_title),
        ("first seen", _day(item.left.first_seen), _day(item.right.first_seen)),
        ("sources", _sources(ws, item.left.id), _sources(ws, item.right.id)),
    ]
    for label, left, right in rows:
        left_text = "" if left is None else str(left)
        right_text = "" if right is None else str(right)
        style = "" if left_text == right_text else "yellow"
        table.add_row(label, left_text, right_text, style=style)
    return table


def _day(moment: datetime | None) -> str | None:
    return None if moment is None else f"{moment:%Y-%m-%d}"


def _sources(ws: Carnet, contact_id: int) -> str:
    found = ws.contact_sources([contact_id])[contact_id]
    return "\n".join(f"{name} row {row}" for name, row in found.rows[:6]) + (
        f"\n… {len(found.rows) - 6} more" if len(found.rows) > 6 else ""
    )


def _evidence(item: ReviewItem) -> Table:
    table = Table(title="Why")
    table.add_column("comparison")
    table.add_column("agreement")
    table.add_column("weight", justify="right")
    for name, level, weight in item.explanation:
        table.add_row(name, level, f"{weight:+.2f}")
    table.add_row("", "match weight (sum)", f"{sum(w for _n, _l, w in item.explanation):+.2f}")
    if item.names_only:
        table.caption = "Names only: nothing else speaks for the pair; never merged automatically."
    elif item.own_mobiles:
        table.caption = (
            "Each has a mobile of their own, and no birth date or e-mail ties them (a father "
            "and his son, two colleagues?); never merged automatically."
        )
    elif item.look_alike:
        table.caption = (
            f"Look-alikes ({item.look_alike}), and no e-mail or mobile of one person's ties "
            "them (a couple, colleagues, twins?); never merged automatically."
        )
    return table


def review_command(
    ctx: typer.Context,
    list_only: Annotated[
        bool, typer.Option("--list", help="List the waiting pairs instead of deciding.")
    ] = False,
    limit: Annotated[int, typer.Option(min=1, help="Pairs to show.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """Decide the uncertain pairs: the two profiles side by side, with the evidence.

    For each pair: a = accept (merge), r = reject (never proposed again),
    s = skip (decide later), q = quit.

    Example: carnet review
    """
    with errors():
        ws = open_workspace(ctx)
        waiting = ws.review_count()
        if list_only or as_json:
            items = ws.review_queue(limit=limit)
            if as_json:
                print_json(
                    [
                        {
                            "pair_id": i.pair_id,
                            "contact_ids": [i.left.id, i.right.id],
                            "names": [i.left.name, i.right.name],
                            "probability": i.probability,
                            "names_only": i.names_only,
                            "own_mobiles": i.own_mobiles,
                            "look_alike": i.look_alike,
                            "explanation": [
                                {"comparison": n, "level": lvl, "weight": w}
                                for n, lvl, w in i.explanation
                            ],
                        }
                        for i in items
                    ]
                )
                return
            table = Table(title=f"{waiting:,} pairs to review")
            for column in ("pair", "contacts", "names", "probability"):
                table.add_column(column)
            for i in items:
                table.add_row(
                    str(i.pair_id),
                    f"{i.left.id} / {i.right.id}",
                    f"{i.left.name} / {i.right.name}",
                    probability_text(i.probability)
                    + (" (names only)" if i.names_only else "")
                    + (" (a mobile each)" if i.own_mobiles else "")
                    + (f" ({i.look_alike})" if i.look_alike else ""),
                )
            console.print(table)
            return
        if not waiting:
            console.print("No pair waits for review.")
            return
        console.print(f"{waiting:,} pairs wait for review.")
        decided = {"accept": 0, "reject": 0, "skip": 0}
        skipped: set[int] = set()
        while True:
            items = [i for i in ws.review_queue(limit=len(skipped) + 1) if i.pair_id not in skipped]
            if not items:
                break
            item = items[0]
            console.print(Columns([_side_by_side(ws, item), _evidence(item)]))
            answer = typer.prompt("[a]ccept / [r]eject / [s]kip / [q]uit", default="s").strip()
            choice = {"a": "accept", "r": "reject", "s": "skip", "q": "quit"}.get(
                answer[:1].lower()
            )
            if choice is None:
                console.print("Type a, r, s or q.")
                continue
            if choice == "quit":
                break
            merge_id = ws.decide_pair(item.pair_id, choice)
            decided[choice] += 1
            if choice == "skip":
                skipped.add(item.pair_id)
            elif merge_id is not None:
                console.print(f"Merged (merge {merge_id}; `carnet unmerge {merge_id}` undoes it).")
            elif choice == "reject":
                console.print(
                    f"Kept apart: contacts {item.left.id} and {item.right.id} will not be "
                    "proposed again."
                )
    console.print(
        f"Accepted {decided['accept']}, rejected {decided['reject']}, skipped {decided['skip']}; "
        f"{ws.review_count():,} pairs still wait."
    )


def _merges_table(title: str, merges: list[MergeInfo]) -> Table:
    table = Table(title=title)
    for column in ("id", "survivor", "merged", "when", "by", "reason", "undone"):
        table.add_column(column)
    for m in merges:
        table.add_row(
            str(m.id),
            str(m.survivor_id),
            ", ".join(map(str, m.merged_ids)),
            f"{m.created_at:%Y-%m-%d %H:%M}" if m.created_at else "",
            m.decided_by or "",
            m.reason or "",
            f"{m.undone_at:%Y-%m-%d %H:%M}" if m.undone_at else "",
        )
    return table


def merges_command(
    ctx: typer.Context,
    contact: Annotated[int | None, typer.Option(help="Only merges into this contact.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many, newest first.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """List merges, newest first, with their reason; undo one with `carnet unmerge ID`.

    Example: carnet merges --limit 20
    """
    with errors():
        merges = open_workspace(ctx).list_merges(limit=limit, contact_id=contact)
    if as_json:
        print_json([m.__dict__ for m in merges])
        return
    console.print(_merges_table("Merges", merges))


def unmerge_command(
    ctx: typer.Context,
    merge_id: Annotated[int, typer.Argument(help="The merge to undo (`carnet merges`).")],
    reason: Annotated[str | None, typer.Option(help="Why (kept in the history).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Undo a merge: the contacts come back exactly as they were.

    The pair is then marked as different people, so it is not proposed again.
    Fields edited on the survivor after the merge keep their newer value.

    Example: carnet unmerge 12 --reason "homonymes"
    """
    with errors():
        result = open_workspace(ctx).unmerge(merge_id, reason=reason)
    if as_json:
        print_json(result.__dict__)
        return
    console.print(
        f"Merge {result.merge_id} undone: contacts {', '.join(map(str, result.restored_ids))} "
        f"are back beside {result.survivor_id}."
    )
    if result.kept_fields:
        console.print(
            "Edited since the merge, kept on the survivor: " + ", ".join(result.kept_fields) + "."
        )


# -- organisations ------------------------------------------------------------------------


def organisations_dedupe_command(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report what would happen; write nothing.")
    ] = False,
    pairs_out: Annotated[
        Path | None,
        typer.Option(help="Write every pair, its decision and evidence (CSV/XLSX/JSON)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Merge organisations that are one company (same SIRET, SIREN, or same name with a
    shared postcode or company mail domain); list those agreeing on the name only, or on
    a similar name in one town.

    Example: carnet organisations dedupe --dry-run --pairs-out orgs.csv
    """
    with errors():
        report = open_workspace(ctx).find_duplicate_organisations(
            dry_run=dry_run, pairs_out=pairs_out
        )
    if as_json:
        print_json(report.to_dict())
        return
    _print_organisation_report(report)
    if report.dry_run:
        console.print("Dry run: nothing was written.")
    if pairs_out is not None:
        console.print(f"Pairs written to {pairs_out}.")


def organisations_merge_command(
    ctx: typer.Context,
    survivor_id: Annotated[int, typer.Argument(help="The organisation that remains.")],
    merged_ids: Annotated[list[int], typer.Argument(help="The organisations folded into it.")],
    reason: Annotated[str | None, typer.Option(help="Why (kept in the history).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Merge organisations by hand: contacts and roles move to the survivor.

    Example: carnet organisations merge 12 40 --reason "même société"
    """
    with errors():
        result = open_workspace(ctx).merge_organisations(survivor_id, merged_ids, reason=reason)
    if as_json:
        print_json(result.__dict__)
        return
    console.print(
        f"Organisation merge {result.merge_id}: {', '.join(map(str, result.merged_ids))} "
        f"folded into {result.survivor_id} ({result.contacts_moved:,} contacts moved). "
        f"Undo with `carnet organisations unmerge {result.merge_id}`."
    )


def organisations_keep_apart_command(
    ctx: typer.Context,
    organisation_id: Annotated[int, typer.Argument(help="One organisation.")],
    other_id: Annotated[int, typer.Argument(help="The other, a different company.")],
    reason: Annotated[str | None, typer.Option(help="Why (kept with the decision).")] = None,
) -> None:
    """Say two organisations of one name are two companies: never proposed again.

    Example: carnet organisations keep-apart 69 136 --reason "deux garages"
    """
    with errors():
        open_workspace(ctx).keep_organisations_apart(organisation_id, other_id, reason=reason)
    console.print(f"Organisations {organisation_id} and {other_id} are kept apart.")


def organisations_merges_command(
    ctx: typer.Context,
    organisation: Annotated[
        int | None, typer.Option(help="Only merges into this organisation.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many, newest first.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """List organisation merges, newest first; undo one with `carnet organisations unmerge ID`.

    Example: carnet organisations merges --limit 10
    """
    with errors():
        merges = open_workspace(ctx).list_organisation_merges(
            limit=limit, organisation_id=organisation
        )
    if as_json:
        print_json([m.__dict__ for m in merges])
        return
    console.print(_merges_table("Organisation merges", merges))


def organisations_unmerge_command(
    ctx: typer.Context,
    merge_id: Annotated[
        int, typer.Argument(help="The merge to undo (`carnet organisations merges`).")
    ],
    reason: Annotated[str | None, typer.Option(help="Why (kept in the history).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Undo an organisation merge: organisations and their contacts come back as they were.

    The organisations are then never merged automatically again.

    Example: carnet organisations unmerge 3 --reason "deux sociétés distinctes"
    """
    with errors():
        result = open_workspace(ctx).unmerge_organisations(merge_id, reason=reason)
    if as_json:
        print_json(result.__dict__)
        return
    console.print(
        f"Organisation merge {result.merge_id} undone: "
        f"{', '.join(map(str, result.restored_ids))} are back beside {result.survivor_id} "
        f"({result.contacts_restored:,} contacts went back)."
    )
    if result.kept_fields:
        console.print(
            "Edited since the merge, kept on the survivor: " + ", ".join(result.kept_fields) + "."
        )


def register(app: typer.Typer, organisations: typer.Typer | None = None) -> None:
    """Add ``dedupe``, ``review``, ``merges`` and ``unmerge`` to the CLI, and the duplicate
    commands to ``organisations``."""
    app.command("dedupe")(dedupe_command)
    app.command("review")(review_command)
    app.command("merges")(merges_command)
    app.command("unmerge")(unmerge_command)
    if organisations is not None:
        organisations.command("dedupe")(organisations_dedupe_command)
        organisations.command("merge")(organisations_merge_command)
        organisations.command("keep-apart")(organisations_keep_apart_command)
        organisations.command("merges")(organisations_merges_command)
        organisations.command("unmerge")(organisations_unmerge_command)
