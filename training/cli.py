"""The `review-reply` command line.

\b
Quick start:
  review-reply classify reviews.txt            # label one review per line
  review-reply draft "快递太慢了，包装也压坏了"   # labels and a reply draft
  review-reply serve                           # HTTP API and the agents' page on :8000
  review-reply train                           # rebuild the model from ../shared/datasets
  review-reply models                          # versions and their scores; --activate V rolls back
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from model.paths import ROOT, SHARED_DATASETS
from training.cli_options import load_model, model_dir_option, model_version_option


@click.group(help=__doc__)
@click.version_option(package_name="review-reply")
def main() -> None:
    pass


@main.command()
@click.option("--datasets", type=click.Path(path_type=Path), default=SHARED_DATASETS, show_default=True,
              help="Folder with the base corpora and the dispute set.")
@click.option("--data", "data_files", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A labelled shop export (CSV, TSV, JSONL, XLSX); repeat for several.")
@click.option("--no-base", is_flag=True, help="Train on the exports alone, without the base corpora.")
@click.option("--text-column", default=None, help="Export column with the review text (found by name if not given).")
@click.option("--label-column", default=None, help="Export column with the sentiment label.")
@click.option("--rating-column", default=None, help="Export column with a 1–5 star rating.")
@click.option("--dispute-column", default=None, help="Export column with comma-separated dispute types.")
@click.option("--neutral", type=click.Choice(["skip", "negative", "positive"]), default="skip", show_default=True,
              help="What 3 stars / 中评 means.")
@model_dir_option
@click.option("--version", "version", default=None, help="Version name (default: UTC timestamp).")
@click.option("--tolerance", type=float, default=0.005, show_default=True,
              help="How much worse than the active model (absolute, per gated metric) still activates.")
@click.option("--force", is_flag=True, help="Activate even if the gate finds the new model worse.")
@click.option("--no-activate", is_flag=True, help="Save the new version but leave the active one.")
@click.option("--report-dir", type=click.Path(path_type=Path), default=ROOT / "reports", show_default=True)
@click.option("--quiet", is_flag=True, help="No progress lines.")
def train(datasets, data_files, no_base, text_column, label_column, rating_column, dispute_column, neutral, model_dir,
          version, tolerance, force, no_activate, report_dir, quiet):
    """Train a model version, evaluate it on held-out data, and activate it if the gate allows."""
    from training import workflow
    from training.datasets import LabelledSet
    from training.progress import Progress
    progress = Progress(quiet=quiet)
    exports = None
    if data_files:
        from training.exports import ExportError, NotEnoughData, check_enough, read_many
        try:
            with progress.step(f"reading {len(data_files)} export file(s)"):
                data = read_many(list(data_files), text_column=text_column, label_column=label_column,
                                 rating_column=rating_column, dispute_column=dispute_column, neutral=neutral)
            click.echo(data.report.to_text(), err=True)
            if not data.rows:
                raise ExportError("none of the export rows can be used for training (see the report above)")
            if no_base:
                check_enough(data.report)
        except (ExportError, NotEnoughData) as exc:
            raise click.ClickException(str(exc)) from None
        exports = LabelledSet.from_reviews(data.rows, source="export")
    elif no_base:
        raise click.UsageError("--no-base needs at least one --data file")
    try:
        result = workflow.run(datasets_dir=None if no_base else datasets, exports=exports, model_dir=model_dir,
                              version=version, tolerance=tolerance, force=force, activate=not no_activate,
                              report_dir=report_dir, progress=progress)
    except (FileNotFoundError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps({"version": result.version, "activated": result.activated, "gate": result.gate,
                           "metrics": result.manifest["metrics"]["headline"],
                           "report": [str(p) for p in result.report_paths or ()]}, ensure_ascii=False, indent=2))
    if not result.activated and not no_activate:
        click.echo(f"Not activated: the gate found {result.version} worse than the active model "
                   f"({json.dumps(result.gate.get('worse'))}); use --force to activate anyway.", err=True)
        sys.exit(3)


@main.command()
@click.option("--datasets", type=click.Path(path_type=Path), default=SHARED_DATASETS, show_default=True)
@model_dir_option
@model_version_option
@click.option("--out", type=click.Path(path_type=Path), default=ROOT / "reports", show_default=True,
              help="Folder for the JSON and Markdown report.")
def evaluate(datasets, model_dir, model_version, out):
    """Measure a model on the held-out test split of the base data (never trained on)."""
    from training import evaluate as ev
    from training.progress import Progress
    from training.workflow import gather
    loaded = load_model(model_dir, model_version)
    progress = Progress()
    try:
        sentiment, disputes, _ = gather(datasets_dir=datasets, exports=None, progress=progress)
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from None
    with progress.step("evaluating"):
        report = ev.evaluate(loaded.classifier, sentiment.split()["test"], disputes.split()["test"])
    report["model_version"] = loaded.version
    json_path, md_path = ev.write_report(report, out, stem=f"evaluation-{loaded.version}")
    click.echo(json.dumps({"model_version": loaded.version, **ev.headline(report), "json": str(json_path),
                           "markdown": str(md_path)}, ensure_ascii=False, indent=2))


@main.command()
@click.argument("source", type=click.File("r", encoding="utf-8-sig", errors="replace"), default="-")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "txt"]), default=None,
              help="Input format (default: from the file name; stdin: txt).")
@click.option("--text-field", default="review", show_default=True, help="JSONL field or CSV column with the review.")
@model_dir_option
@model_version_option
def classify(source, fmt, text_field, model_dir, model_version):
    """Label many reviews: one JSON object per input row on stdout, in order; bad rows reported on stderr."""
    from training.classify_file import classify_stream, read_rows
    fmt = fmt or {".jsonl": "jsonl", ".csv": "csv"}.get(Path(getattr(source, "name", "-")).suffix.lower(), "txt")
    loaded = load_model(model_dir, model_version)
    out = sys.stdout
    try:
        done, skipped = classify_stream(loaded.classifier, read_rows(source, fmt, text_field),
                                        write=lambda line: out.write(line + "\n"),
                                        warn=lambda msg: click.echo(msg, err=True))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{done} labelled, {skipped} skipped", err=True)


@main.command()
@model_dir_option
@click.option("--activate", "to_activate", default=None, metavar="VERSION",
              help="Make VERSION the active model (e.g. to roll back); a running service follows within seconds.")
def models(model_dir, to_activate):
    """List the model versions with their held-out metrics, the active one marked."""
    from model import artifact
    from model.errors import ModelFileError
    if to_activate:
        try:
            artifact.activate(to_activate, model_dir)
        except ModelFileError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"active model: {to_activate}", err=True)
    try:
        active = artifact.active_version(model_dir)
    except ModelFileError:
        active = None
    for version in artifact.versions(model_dir):
        try:
            h = artifact.read_manifest(version, model_dir).get("metrics", {}).get("headline", {})
            figures = f"sentiment {h.get('sentiment_accuracy')}  disputes macro-F1 {h.get('dispute_macro_f1')}"
        except ModelFileError as exc:
            figures = f"unreadable manifest: {exc}"
        click.echo(f"{'*' if version == active else ' '} {version}  {figures}")


def _register_more() -> None:
    """Commands that live beside the code they drive (serving, replies, feedback)."""
    from service.cli import export_feedback, serve
    from training.reply_cli import check, draft
    for command in (serve, draft, check, export_feedback):
        main.add_command(command)


_register_more()
