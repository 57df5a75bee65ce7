"""The one error type every ingest path reports bad input with."""


class IngestError(Exception):
    """Bad pipeline input, located as precisely as possible.

    `filename`, `line` (1-based, header is line 1) and `column` name where the
    problem is; `str()` gives one readable sentence for the command line and
    the JSON API alike.
    """

    def __init__(self, message, filename="", line=None, column=""):
        super().__init__(message)
        self.message = message
        self.filename = filename
        self.line = line
        self.column = column

    def __str__(self):
        where = self.filename
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}" if where else self.message

    def as_dict(self):
        """JSON-ready description, e.g. for `{"error": ...}` API responses."""
        return {
            "error": str(self),
            "file": self.filename,
            "line": self.line,
            "column": self.column,
        }
