"""XForm XML (the form definition ODK Central, ODK Build and KoboToolbox serve) to an
instrument: the same instrument ``from_xlsform`` makes of the XLSForm it came from.

An XForm (ODK XForms specification, getodk.github.io/xforms-spec) is XHTML: the head
holds the title and the model, with the main instance (its root's ``id`` is the form
id), the binds (each field's type, calculation or preload) and the label translations
(``itext``); the body holds the controls: ``select1`` (select_one), ``select``
(select_multiple), ``input`` (text, integer, decimal, date ... by its bind's type),
``upload``, ``trigger``, ``range``, ``odk:rank``, inside ``group`` and ``repeat``
elements. Choices are ``item`` elements or an ``itemset`` over a secondary instance
(``instance('agree')/root/item``, as pyxform writes them). Labels come from the element
or from ``jr:itext(...)``; ``lang`` picks the language as for an XLSForm, the others
becoming aliases. Fields of the main instance without a control are skipped: metadata
(``jr:preload``), calculations and hidden fields. The file is parsed with defusedxml, so
entities and external references are refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cipp.model.errors import InstrumentError
from cipp.platforms.draft import (
    Choice,
    Draft,
    ImportOptions,
    ImportResult,
    infer_component,
    make_id,
    plain_text,
)
from cipp.platforms.xlsform import FormGroup, FormQuestion, add_question, pick_language
from cipp.read.files import check_input, unsafe_xml

_XF = "{http://www.w3.org/2002/xforms}"
_H = "{http://www.w3.org/1999/xhtml}"
_JR = "{http://openrosa.org/javarosa}"
_ITEXT = re.compile(r"""jr:itext\(\s*['"](?P<id>[^'"]+)['"]\s*\)""")
_ITEXT_PATH = re.compile(r"jr:itext\(\s*(?P<path>[A-Za-z_][\w.\-]*)\s*\)")
_INSTANCE = re.compile(r"""instance\(\s*['"](?P<id>[^'"]+)['"]\s*\)""")
#: The XLSForm type each input's bind type stands for.
_INPUT_TYPES = {
    "string": "text",
    "int": "integer",
    "integer": "integer",
    "decimal": "decimal",
    "date": "date",
    "time": "time",
    "datetime": "datetime",
    "geopoint": "geopoint",
    "geotrace": "geotrace",
    "geoshape": "geoshape",
    "barcode": "barcode",
    "binary": "file",
}
_CONTROLS = {
    "select1": "select_one",
    "select": "select_multiple",
    "upload": "file",
    "trigger": "acknowledge",
    "range": "range",
    "rank": "rank",
}


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(element: Any) -> str:
    return "".join(element.itertext()) if element is not None else ""


def _child(element: Any, name: str) -> Any:
    """The first child of that local name, whatever its namespace (a secondary
    instance's items are in the XForms namespace, or in none)."""
    return next((c for c in element if _local(c.tag) == name), None)


@dataclass(frozen=True)
class _XForm:
    """The parts of an XForm the questions are read against."""

    title: str
    form_id: str
    root: str
    binds: dict[str, dict[str, str]]
    #: Label texts by language ('' for labels written in the body), by itext id.
    translations: dict[str, dict[str, str]]
    language: str
    others: list[str]
    instances: dict[str, Any]

    def labels(self, element: Any) -> dict[str, str]:
        """An element's ``label`` in every language."""
        label = element.find(f"{_XF}label")
        if label is None:
            return {}
        ref = label.get("ref") or ""
        match = _ITEXT.search(ref)
        if match is None:
            text = _text(label)
            return {language: text for language in self.translations} or {"": text}
        return self._itext(match["id"])

    def _itext(self, text_id: str) -> dict[str, str]:
        return {
            language: texts.get(text_id, "")
            for language, texts in self.translations.items()
            if text_id in texts
        }

    def item_labels(self, item: Any, label_ref: str) -> dict[str, str]:
        """A secondary instance item's label in every language (``label_ref``: the
        itemset's label ``ref``, ``label`` or ``jr:itext(itextId)``)."""
        match = _ITEXT_PATH.search(label_ref)
        if match is not None:
            return self._itext(_text(_child(item, match["path"])).strip())
        text = _text(_child(item, label_ref or "label"))
        return {language: text for language in self.translations} or {"": text}


def _parse(path: Path) -> Any:
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import parse

    # A named pipe would make the parser wait for a writer forever.
    check_input(path, InstrumentError)
    try:
        return parse(str(path)).getroot()
    except FileNotFoundError:
        raise InstrumentError(f"{path}: file not found") from None
    except DefusedXmlException as error:
        raise InstrumentError(f"{path}: refused unsafe XML: it holds {unsafe_xml(error)}") from None
    except (ParseError, OSError) as error:
        raise InstrumentError(f"{path}: not an XForm (not readable XML: {error})") from None


def _translations(model: Any) -> tuple[dict[str, dict[str, str]], str | None]:
    """Label texts by language and itext id, and the default language."""
    out: dict[str, dict[str, str]] = {}
    default = None
    itext = model.find(f"{_XF}itext")
    for translation in itext.findall(f"{_XF}translation") if itext is not None else []:
        language = translation.get("lang") or ""
        if "true" in (translation.get("default") or ""):
            default = language
        texts = out.setdefault(language, {})
        for text in translation.findall(f"{_XF}text"):
            values = [v for v in text.findall(f"{_XF}value") if v.get("form") in (None, "long")]
            if text.get("id") and values:
                texts[text.get("id")] = _text(values[0])
    return out, default


def _read_form(path: Path, html: Any, options: ImportOptions) -> _XForm:
    head = html.find(f"{_H}head")
    model = head.find(f"{_XF}model") if head is not None else None
    if _local(html.tag) != "html" or model is None or html.find(f"{_H}body") is None:
        raise InstrumentError(
            f"{path}: not an XForm (no h:html with a model in its head and a body)"
        )
    instances = model.findall(f"{_XF}instance")
    main = next((i for i in instances if not i.get("id")), None)
    data = next(iter(main), None) if main is not None else None
    if data is None:
        raise InstrumentError(f"{path}: not an XForm (its model has no main instance)")
    translations, default = _translations(model)
    languages = list(translations) or [""]
    language = pick_language(languages, options.lang, default, path)
    binds = {
        bind.get("nodeset"): {_local(k): v for k, v in bind.attrib.items()}
        for bind in model.findall(f"{_XF}bind")
        if bind.get("nodeset")
    }
    return _XForm(
        title=_text(head.find(f"{_H}title")).strip(),
        form_id=data.get("id") or "",
        root=_local(data.tag),
        binds=binds,
        translations=translations,
        language=language,
        others=[other for other in languages if other != language],
        instances={i.get("id"): i for i in instances if i.get("id")},
    )


def _choices(form: _XForm, control: Any) -> list[Choice] | None:
    """The choices of a select: its items, or the items of its itemset's instance."""
    items = control.findall(f"{_XF}item")
    pairs: list[tuple[str, dict[str, str]]] = [
        (_text(item.find(f"{_XF}value")).strip(), form.labels(item)) for item in items
    ]
    itemset = control.find(f"{_XF}itemset")
    if itemset is not None:
        match = _INSTANCE.search(itemset.get("nodeset") or "")
        instance = form.instances.get(match["id"]) if match else None
        if instance is None:
            return None
        value_ref = itemset.find(f"{_XF}value")
        label_ref = itemset.find(f"{_XF}label")
        name = value_ref.get("ref") if value_ref is not None else "name"
        label = label_ref.get("ref") if label_ref is not None else "label"
        for item in instance.iter():
            if _local(item.tag) == "item":
                code = _text(_child(item, name or "name")).strip()
                pairs.append((code, form.item_labels(item, label or "label")))
    choices = []
    for code, labels in pairs:
        if not code:
            continue
        label = plain_text(labels.get(form.language, "")) or code
        aliases = [plain_text(labels.get(other, "")) or label for other in form.others]
        choices.append(Choice(code, label, tuple(aliases)))
    return choices


def _kind(form: _XForm, control: Any, ref: str) -> tuple[str, str]:
    """(the XLSForm type the control stands for, its type as written)."""
    tag = _local(control.tag)
    bind = form.binds.get(ref, {})
    if tag == "input":
        if bind.get("readonly", "").startswith("true") and not bind.get("calculate"):
            return "note", "note"  # a note is a read-only input with nothing to compute
        written = bind.get("type", "string").split(":")[-1]
        return _INPUT_TYPES.get(written.lower(), written), written
    mediatype = (control.get("mediatype") or "").split("/")[0]
    if tag == "upload" and mediatype in ("image", "audio", "video"):
        return mediatype, f"upload {mediatype}"
    return _CONTROLS.get(tag, tag), tag


@dataclass
class _Walk:
    """What walking the body has found so far."""

    form: _XForm
    questions: list[FormQuestion]
    lists: dict[str, list[Choice] | None]
    seen: set[str]


def _question(walk: _Walk, control: Any, groups: list[FormGroup]) -> FormQuestion | None:
    form = walk.form
    ref = control.get("ref") or control.get("nodeset") or ""
    path = [s for s in ref.split("/") if s]
    if len(path) < 2:
        return None
    walk.seen.add(ref)
    name = path[-1]
    kind, written = _kind(form, control, ref)
    labels = form.labels(control)
    label = plain_text(labels.get(form.language, ""))
    aligned = [plain_text(labels.get(other, "")) for other in form.others]
    list_name = ""
    if kind in ("select_one", "select_multiple"):
        list_name = ref
        walk.lists[ref] = _choices(form, control)
    setter = next((g for g in reversed(groups) if g.component), None)
    return FormQuestion(
        row=len(walk.questions),
        raw_type=written,
        kind=kind,
        list_name=list_name,
        or_other=False,
        name=name,
        label=label,
        aligned=aligned,
        translations=list(dict.fromkeys(t for t in aligned if t and t != label)),
        source_id="/".join(path[1:]),
        component=setter.component if setter else "",
        component_from=f"its group '{setter.name}'" if setter else "",
        in_repeat=any(g.repeat for g in groups),
        groups=tuple(g.name for g in groups if g.name),
    )


def _walk(walk: _Walk, element: Any, groups: list[FormGroup]) -> None:
    for child in element:
        tag = _local(child.tag)
        if tag in ("group", "repeat"):
            ref = child.get("ref") or child.get("nodeset") or ""
            name = ref.rstrip("/").rsplit("/", 1)[-1] if ref else ""
            if tag == "repeat" and groups and groups[-1].name == name:
                name = ""  # pyxform wraps a repeat in a group of the same path
            label = walk.form.labels(child).get(walk.form.language, "")
            component = infer_component(name) or infer_component(label)
            groups.append(FormGroup(name, component, tag == "repeat"))
            _walk(walk, child, groups)
            groups.pop()
        elif tag in ("input", "select1", "select", "upload", "trigger", "range", "rank"):
            question = _question(walk, child, groups)
            if question is not None:
                walk.questions.append(question)


def _hidden_fields(form: _XForm, seen: set[str]) -> Iterator[tuple[str, str]]:
    """The main instance's fields without a control, and why they are not questions."""
    for nodeset, bind in form.binds.items():
        if nodeset in seen:
            continue
        name = nodeset.rstrip("/").rsplit("/", 1)[-1]
        if bind.get("preload"):
            yield name, f"metadata ({bind.get('preloadParams') or bind['preload']})"
        elif "/meta/" in nodeset:
            yield name, "metadata (meta)"
        elif bind.get("calculate"):
            yield name, "a calculation"
        else:
            yield name, "a hidden field"


def from_xform(path: str | Path, options: ImportOptions | None = None) -> ImportResult:
    """Import an XForm XML form definition into an instrument."""
    path = Path(path)
    options = options or ImportOptions()
    html = _parse(path)
    form = _read_form(path, html, options)
    walk = _Walk(form, [], {}, set())
    _walk(walk, html.find(f"{_H}body"), [])
    draft = Draft("xform", path, options, title="XForm")
    for question in walk.questions:
        add_question(draft, question, walk.lists.get)
    for name, reason in _hidden_fields(form, walk.seen):
        draft.skip(name, reason)
    return draft.result(
        id=form.form_id or make_id(path.stem),
        title=form.title or path.stem,
        description=f"Imported from the XForm {path.name}",
    )
