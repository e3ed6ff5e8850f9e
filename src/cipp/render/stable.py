"""Byte-identical Office files: the same document gives the same .xlsx and .docx bytes.

openpyxl stamps a workbook with the time it is saved, python-docx's template carries its
own dates, and both write each zip member with the current time. A rerun of an analysis
(``cipp run``, ``cipp run --check``) must give identical files, so every Office file cipp
writes is rewritten with one fixed time: ``SOURCE_DATE_EPOCH`` (seconds since 1970, the
reproducible-builds convention) when it is set, else 1 January 1980, the zip format's
first date.
"""

from __future__ import annotations

import datetime
import io
import os
import re
import zipfile

#: The earliest time a zip member can carry.
ZIP_EPOCH = datetime.datetime(1980, 1, 1, tzinfo=datetime.UTC)
_CORE = "docProps/core.xml"
_STAMP = re.compile(r"(<(dcterms:created|dcterms:modified|cp:lastPrinted)\b[^>]*>)[^<]*(</\2>)")


def fixed_time() -> datetime.datetime:
    """``SOURCE_DATE_EPOCH`` as a UTC time (not before 1980), or 1980-01-01."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        moment = datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC)
        return max(moment, ZIP_EPOCH)
    return ZIP_EPOCH


def stable_zip(data: bytes) -> bytes:
    """An Office file (a zip) with every member dated ``fixed_time()`` and the document's
    created, modified and last-printed dates set to it; members keep their order."""
    moment = fixed_time()
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    date_time = moment.timetuple()[:6]
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == _CORE:
                text = _STAMP.sub(lambda m: f"{m.group(1)}{stamp}{m.group(3)}", content.decode())
                content = text.encode()
            member = zipfile.ZipInfo(info.filename, date_time=date_time)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            target.writestr(member, content)
    return buffer.getvalue()
