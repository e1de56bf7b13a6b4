"""Options and helpers the `review-reply` commands share: the group in training/cli.py and the reply
commands in training/reply_cli.py (which the group imports, so they cannot import it back)."""
from __future__ import annotations

from pathlib import Path

import click

from model.paths import ARTIFACT_DIR

model_dir_option = click.option("--model-dir", type=click.Path(path_type=Path), default=ARTIFACT_DIR, show_default=True,
                                envvar="REVIEW_REPLY_MODEL_DIR", help="Folder of model versions (with ACTIVE).")
model_version_option = click.option("--model-version", default=None, help="A version to use instead of the active one.")


def load_model(model_dir: Path, version: str | None):
    """The model, or a clean CLI error naming what is wrong with the folder or file."""
    from model import artifact
    from model.errors import ModelFileError
    try:
        return artifact.load(version, model_dir)
    except ModelFileError as exc:
        raise click.ClickException(str(exc)) from None
