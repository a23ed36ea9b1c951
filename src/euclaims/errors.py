"""Error types whose messages say what is wrong, where, and what to do."""


class EuclaimsError(Exception):
    """Base class: an error the build reports to the user without a traceback."""


class DataError(EuclaimsError):
    """A raw data file is missing, altered or violates its schema."""


class ParameterError(EuclaimsError):
    """A notebook parameter is unknown, of the wrong type or out of range."""


class LedgerError(EuclaimsError):
    """The claims ledger or a results file is inconsistent."""
