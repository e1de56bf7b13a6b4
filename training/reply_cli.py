"""`review-reply draft` and `review-reply check`: the drafter and checker from a terminal."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from training.cli_options import load_model, model_dir_option


def _text(value: str, what: str) -> str:
    text = sys.stdin.read() if value == "-" else value
    from model.text import is_blank
    if is_blank(text):
        raise click.UsageError(f"{what} is empty")
    return text


def _shop(path: Path | None):
    from model.settings import ShopSettings
    from pydantic import ValidationError
    try:
        return ShopSettings.from_file(path) if path else ShopSettings()
    except (ValidationError, ValueError, OSError) as exc:
        raise click.ClickException(f"shop settings {path}: {exc}") from None


shop_settings_option = click.option("--shop-settings", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                                    default=None, help="JSON or TOML shop settings (name, sign-off, channel, remedies).")


@click.command()
@click.argument("review")
@click.option("--rating", type=click.IntRange(1, 5), default=None, help="Star rating, if known.")
@click.option("--alternatives", type=click.IntRange(1, 5), default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON (as the API returns it).")
@model_dir_option
@shop_settings_option
def draft(review, rating, alternatives, as_json, model_dir, shop_settings):
    """Labels and a reply draft for REVIEW ('-' reads it from stdin)."""
    from model.pipeline import analyse
    review = _text(review, "review")
    loaded = load_model(model_dir, None)
    result = analyse(loaded.classifier, review, _shop(shop_settings), rating=rating, alternatives=alternatives)
    p = result.prediction
    if as_json:
        click.echo(json.dumps({**p.as_dict(), "draft": result.draft.text, "alternatives": result.draft.alternatives,
                               "violations": [v.__dict__ for v in result.violations],
                               "redactions": [r.__dict__ for r in result.draft.redactions],
                               "model_version": loaded.version}, ensure_ascii=False, indent=2))
        return
    disputes = ", ".join(f"{d.type} {d.score:.2f}" for d in p.disputes) or "none"
    click.echo(f"sentiment: {p.sentiment} ({p.sentiment_score:.2f})   disputes: {disputes}   primary: {p.primary_dispute or '-'}")
    if result.draft.redactions:
        click.echo("masked: " + ", ".join(sorted({r.type for r in result.draft.redactions})))
    click.echo("\n" + result.draft.text)
    for i, alt in enumerate(result.draft.alternatives, 2):
        click.echo(f"\n[{i}] {alt}")
    for v in result.violations:
        click.echo(f"\n! {v.rule} {v.message}", err=True)


@click.command()
@click.option("--review", required=True, help="The review ('-' reads it from stdin).")
@click.option("--reply", required=True, help="The reply to check.")
@click.option("--rating", type=click.IntRange(1, 5), default=None, help="Star rating, if known.")
@model_dir_option
@shop_settings_option
def check(review, reply, rating, model_dir, shop_settings):
    """Which reply rules (R1–R14) REPLY breaks for REVIEW; exit code 1 when any."""
    from model.checking import check_reply
    review = _text(review, "review")
    reply = _text(reply, "reply")
    loaded = load_model(model_dir, None)
    violations = check_reply(review, reply, _shop(shop_settings), loaded.classifier.predict_one(review), rating=rating)
    for v in violations:
        click.echo(f"{v.rule}\t{v.message}")
    if not violations:
        click.echo("passed: the reply follows every checked rule")
    sys.exit(1 if violations else 0)
