"""Checking uploaded files by what they contain, not only by their name.

A file's extension and the browser's content type are claims made by the
uploader; the first bytes of the file (read with `filetype`) are evidence.
A file is accepted only when all three agree with a kind we allow.
"""

import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat


@dataclass(frozen=True)
class Kind:
    label: str
    extensions: tuple[str, ...]
    mime: str


DOCUMENTS = (
    Kind("PDF", ("pdf",), "application/pdf"),
    Kind(
        "Word document",
        ("docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    Kind("OpenDocument text", ("odt",), "application/vnd.oasis.opendocument.text"),
    Kind("JPEG image", ("jpg", "jpeg"), "image/jpeg"),
    Kind("PNG image", ("png",), "image/png"),
    Kind("GIF image", ("gif",), "image/gif"),
    Kind("WebP image", ("webp",), "image/webp"),
)

# A story can be a recording or a photo (phones record .m4a, .amr, .ogg or .3gp).
STORY_FILES = (
    Kind("MP3 recording", ("mp3",), "audio/mpeg"),
    Kind("M4A recording", ("m4a",), "audio/mp4"),
    Kind("OGG recording", ("ogg", "oga"), "audio/ogg"),
    Kind("WAV recording", ("wav",), "audio/x-wav"),
    Kind("AMR recording", ("amr",), "audio/amr"),
    Kind("3GP recording", ("3gp",), "video/3gpp"),
    *(kind for kind in DOCUMENTS if kind.mime.startswith("image/")),
)


# Parts a zip archive must hold to be a document of this kind.
ZIPPED = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
        "[Content_Types].xml",
        "word/document.xml",
    },
    "application/vnd.oasis.opendocument.text": {"mimetype", "content.xml"},
}


@dataclass(frozen=True)
class CheckedUpload:
    extension: str
    content_type: str
    size: int
    original_name: str


def _zip_names(upload) -> set[str] | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def _content_is(upload, kind: Kind) -> bool:
    """Whether the bytes of the file are what its name says."""
    upload.seek(0)
    try:
        if kind.mime in ZIPPED:
            # Word and OpenDocument files are zip archives: look inside for
            # the parts that make them documents, wherever they sit.
            names = _zip_names(upload)
            if names is None:
                return False
            if kind.extensions == ("odt",):
                upload.seek(0)
                with zipfile.ZipFile(upload) as archive:
                    return (
                        "mimetype" in names
                        and archive.read("mimetype").strip() == kind.mime.encode()
                    )
            return ZIPPED[kind.mime] <= names
        found = filetype.guess(upload.read(8192))
        return found is not None and found.mime == kind.mime
    finally:
        upload.seek(0)


def allowed_names(kinds) -> str:
    return ", ".join(kind.label for kind in kinds)


def check_upload(upload, *, kinds=DOCUMENTS, max_bytes: int | None = None) -> CheckedUpload:
    """Return what the file really is, or raise ValidationError in words people understand."""
    max_bytes = max_bytes or settings.COPROD_UPLOAD_MAX_MB * 1024 * 1024
    name = (upload.name or "").rsplit("/", 1)[-1]
    if upload.size == 0:
        raise ValidationError("The file is empty.", code="empty")
    if upload.size > max_bytes:
        raise ValidationError(
            f"The file is {filesizeformat(upload.size)}. "
            f"The largest we can take is {filesizeformat(max_bytes)}.",
            code="too_big",
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    claimed = next((kind for kind in kinds if extension in kind.extensions), None)
    if claimed is None:
        raise ValidationError(
            f"We can take these kinds of file: {allowed_names(kinds)}.", code="kind"
        )
    if not _content_is(upload, claimed):
        raise ValidationError(
            f"This file is called .{extension} but it is not a {claimed.label}. "
            "Please save it again as one of the kinds we take and try again.",
            code="disguised",
        )
    return CheckedUpload(
        extension=claimed.extensions[0],
        content_type=claimed.mime,
        size=upload.size,
        original_name=name[:200],
    )
