"""Uploaded files are judged by their bytes: a renamed program is not a PDF."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from coprod.uploads import check_upload
from tests.conftest import PDF_BYTES

PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
# The start of a Windows program: "MZ", then the DOS stub.
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_bytes():
    # LibreOffice puts other parts first; the check must look inside, not at the start.
    return zipped(
        {
            "_rels/.rels": b"<Relationships/>",
            "docProps/app.xml": b"<Properties/>" + b" " * 5000,
            "docProps/core.xml": b"<coreProperties/>" + b" " * 5000,
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<document/>",
        }
    )


def odt_bytes():
    return zipped(
        {
            "mimetype": b"application/vnd.oasis.opendocument.text",
            "content.xml": b"<office:document-content/>",
        }
    )


def upload(name, data):
    return SimpleUploadedFile(name, data, "application/octet-stream")


@pytest.mark.parametrize(
    ("name", "data", "mime"),
    [
        ("agenda.pdf", PDF_BYTES, "application/pdf"),
        ("map.PNG", PNG_BYTES, "image/png"),
        (
            "notes.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("notes.odt", odt_bytes(), "application/vnd.oasis.opendocument.text"),
    ],
)
def test_real_documents_are_accepted(name, data, mime):
    checked = check_upload(upload(name, data))
    assert checked.content_type == mime
    assert checked.size == len(data)
    assert checked.original_name == name


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("minutes.pdf", EXE_BYTES),  # a program renamed .pdf
        ("photo.png", PDF_BYTES),  # a real PDF, wrongly named
        ("notes.docx", b"just some text, not a Word document"),
        ("notes.docx", odt_bytes()),  # a zip, but the wrong kind of document
        ("notes.odt", zipped({"mimetype": b"application/zip", "content.xml": b"<x/>"})),
    ],
)
def test_a_file_whose_bytes_are_not_what_its_name_says_is_refused(name, data):
    with pytest.raises(ValidationError) as error:
        check_upload(upload(name, data))
    assert error.value.code == "disguised"


def test_kinds_we_do_not_take_are_refused_by_name():
    with pytest.raises(ValidationError) as error:
        check_upload(upload("setup.exe", EXE_BYTES))
    assert error.value.code == "kind"
    assert "PDF" in error.value.messages[0]


def test_a_file_over_the_limit_is_refused_with_both_sizes(settings):
    settings.COPROD_UPLOAD_MAX_MB = 1
    data = PDF_BYTES + b"0" * (1024 * 1024)
    with pytest.raises(ValidationError) as error:
        check_upload(upload("big.pdf", data))
    assert error.value.code == "too_big"
    assert "1.0\xa0MB" in error.value.messages[0]


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as error:
        check_upload(upload("empty.pdf", b""))
    assert error.value.code == "empty"
