"""The one error type users see: bad input, reported as a single line and exit status 2."""


class QtcheckError(Exception):
    """Input qtcheck refuses. The message is one line meant for a person."""

    exit_status = 2


MAX_ECHO = 120  # characters of user input a message may quote


def short(text: str, limit: int = MAX_ECHO) -> str:
    """text on one line and at most limit characters: messages quote input, never echo all of it."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."
