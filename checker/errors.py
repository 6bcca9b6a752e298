"""The one error type users see: bad input, reported as a single line and exit status 2."""


class QtcheckError(Exception):
    """Input qtcheck refuses. The message is one line meant for a person."""

    exit_status = 2
