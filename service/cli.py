"""Commands that drive the service: `serve`, and `export-feedback` for closing the retraining loop."""
from __future__ import annotations

import os
from pathlib import Path

import click

LOG_CONFIG = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}},
    "loggers": {"review_reply": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
                "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False}},
}


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes; each loads the model once (about 200 MB each).")
@click.option("--model-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of model versions (default: the shipped model).")
@click.option("--shop-settings", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="JSON or TOML file with the shop's name, sign-off, contact channel and remedies.")
@click.option("--access-log/--no-access-log", default=True, show_default=True,
              help="One JSON line per request: method, path, status, latency (never the review text).")
def serve(host, port, workers, model_dir, shop_settings, access_log):
    """Serve the HTTP API (/v1, docs at /docs) and the agents' page at /."""
    import uvicorn
    # Workers are separate processes that build the app from the environment: pass the flags that way.
    if model_dir:
        os.environ["REVIEW_REPLY_MODEL_DIR"] = str(model_dir.resolve())
    if shop_settings:
        os.environ["REVIEW_REPLY_SHOP_SETTINGS_FILE"] = str(shop_settings.resolve())
    _check_settings_or_exit()
    config = dict(LOG_CONFIG, loggers=dict(LOG_CONFIG["loggers"]))
    config["loggers"]["review_reply.access"] = {"handlers": ["stderr"], "level": "INFO" if access_log else "WARNING", "propagate": False}
    uvicorn.run("service.app:create_app", factory=True, host=host, port=port, workers=workers,
                access_log=False, log_config=config, server_header=False)


def _check_settings_or_exit() -> None:
    """Fail before any worker starts, naming the setting but never echoing its value (it may be a key)."""
    from pydantic import ValidationError
    from model.settings import ShopSettings, error_text, settings_error_message
    from service.config import ServiceSettings
    try:
        settings = ServiceSettings()
    except ValidationError as exc:
        problems = "; ".join(f"REVIEW_REPLY_{'_'.join(map(str, e['loc'])).upper()}: {error_text(e)}"
                             for e in exc.errors(include_input=False))
        raise click.ClickException(f"invalid service settings: {problems}") from None
    if settings.shop_settings_file:
        try:
            ShopSettings.from_file(settings.shop_settings_file)
        except ValidationError as exc:
            raise click.ClickException(f"shop settings {settings.shop_settings_file}: {settings_error_message(exc)}") from None
        except (ValueError, OSError) as exc:
            raise click.ClickException(f"shop settings {settings.shop_settings_file}: {exc}") from None


@click.command("export-feedback")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="JSONL file to write.")
@click.option("--db", "url", default=None, help="Database URL (default: the service's REVIEW_REPLY_FEEDBACK_URL).")
def export_feedback(out, url):
    """Write agents' corrections as training data: `review-reply train --data FILE.jsonl` reads it."""
    from service.config import get_settings
    from service.feedback import FeedbackStore
    store = FeedbackStore(url or get_settings().feedback_url)
    try:
        written = store.export_jsonl(out)
    finally:
        store.close()
    click.echo(f"wrote {written} labelled review(s) to {out}", err=True)
