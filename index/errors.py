"""Domain exceptions of the index layer. service/ translates them to CLI lines and 4xx."""


class IndexError_(Exception):
    """Base class; `code` is a short machine-readable tag."""
    code = "index_error"


class IngestError(IndexError_):
    code = "ingest_error"


class UnsupportedFile(IngestError):
    code = "unsupported_file"


class NotAReport(UnsupportedFile):
    """A readable file that is not a report: a list of paths or files, a README, an index."""
    code = "not_a_report"


class CorruptFile(IngestError):
    code = "corrupt_file"


class EncryptedFile(IngestError):
    code = "encrypted_file"


class EmptyDocument(IngestError):
    code = "empty_document"


class NoTextLayer(IngestError):
    code = "no_text_layer"


class TooLarge(IngestError):
    code = "too_large"


class StoreMismatch(IndexError_):
    """The store was built with another embedding model / dimension."""
    code = "store_mismatch"


class NotFound(IndexError_):
    code = "not_found"


class InvalidIdentity(IndexError_):
    """A correction of a report's identity that cannot stand: an unknown place, a bad year."""
    code = "invalid_identity"
