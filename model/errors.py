"""Errors the library raises on purpose, each with a message a person can act on."""


class ReviewReplyError(Exception):
    """Base of every error we raise deliberately."""


class EmptyReviewError(ReviewReplyError, ValueError):
    """A review that is empty or only whitespace/invisible characters: there is nothing to classify."""


class ModelFileError(ReviewReplyError):
    """A model file that is missing, altered since its manifest was written, or not one of ours."""
