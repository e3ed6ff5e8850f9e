"""What every definition importer shares: a draft instrument and its import report.

Each platform module (redcap, xlsform, spss, qualtrics, forms) walks its questionnaire
definition and tells a :class:`Draft` about each question: a single choice with its
levels, a multi-select with its options, free text, a number, or something skipped
and why. The draft applies the rules the platforms have in common:

- levels keep the platform's integer codes; non-integer codes are numbered in listed
  order (after the largest integer code) and the original code is kept as an alias;
- identical level lists share one scale;
- a multi-select question becomes one binary item per option, ``<question>__<option>``,
  on the shared Selected (1) / Not selected (0) scale, with the text
  ``"<question text> [<option label>]"`` (the readers in :mod:`cipp.platforms.exports`
  rely on this shape to split joined multi-select answers);
- ``--missing-code`` values and platform missing codes (Qualtrics' negative recodes,
  SPSS user-missing values) leave the levels and become the scale's missing values;
- ``--component``/``--component-map`` and ``--demographic`` are applied, and a component
  that cannot be inferred stays empty (the YAML writer adds a TODO comment);
- everything skipped or guessed lands in the :class:`ImportReport`.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path

from cipp.model.errors import InstrumentError, option
from cipp.model.instrument import (
    COMPONENTS,
    Demographic,
    Instrument,
    Item,
    Level,
    Scale,
    normalize_text,
)

#: The scale of every multi-select option item: unchecked is 0, not missing.
SELECTED_SCALE = Scale(
    id="selected",
    label="Selected / not selected",
    levels=(
        Level(code=1, label="Selected", aliases=("Checked", "TRUE")),
        Level(code=0, label="Not selected", aliases=("Unchecked", "FALSE")),
    ),
    kind="binary",
    positive="high",
)

_ID_CHARS = re.compile(r"[^A-Za-z0-9_.\-]+")
_TAGS = re.compile(r"<[^>]*>")
_BREAKS = re.compile(r"<\s*(br|/?p|/?div|/?li|/?tr|/?td|/?h\d)\b[^>]*>", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_OPTION_TEXT = re.compile(r"^(?P<question>.*) \[(?P<option>[^\[\]]*)\]$", re.DOTALL)

_AGREE = re.compile(r"\bagree", re.IGNORECASE)
_LIKERT_WORDS = re.compile(
    r"\b(agree|disagree|satisfied|dissatisfied|never|rarely|sometimes|often|always|likely)\b",
    re.IGNORECASE,
)
_POSITIVE_START = re.compile(
    r"^(strongly agree|completely agree|agree|excellent|very good|very satisfied|satisfied|"
    r"always|very likely|extremely likely|yes|true)\b",
    re.IGNORECASE,
)


def plain_text(value: str | None) -> str:
    """Question or choice text without HTML tags, entities or repeated spaces."""
    if not value:
        return ""
    text = _BREAKS.sub(" ", str(value))
    text = _TAGS.sub("", text)
    return _SPACES.sub(" ", html.unescape(text)).strip()


def make_id(raw: str) -> str:
    """A valid cipp id from a platform's name: other characters become ``_``."""
    text = _ID_CHARS.sub("_", str(raw).strip()).strip("_") or "item"
    if not re.match(r"[A-Za-z_]", text):
        text = f"q{text}" if text[0].isdigit() else f"q_{text}"
    return text


def slug(text: str, *, limit: int = 40) -> str:
    """A short lowercase id from question text ("How useful was it?" -> how_useful_was_it)."""
    words = re.findall(r"[a-z0-9]+", plain_text(text).casefold())
    out = ""
    for word in words:
        candidate = f"{out}_{word}" if out else word
        if len(candidate) > limit and out:
            break
        out = candidate
    return make_id(out or "item")


def option_text(question: str, option: str) -> str:
    """The text of a multi-select option item: ``"<question> [<option>]"``."""
    return f"{question} [{option}]"


def split_option_text(text: str) -> tuple[str, str] | None:
    """Undo :func:`option_text`: (question, option), or None for other texts."""
    match = _OPTION_TEXT.match(text)
    return (match["question"], match["option"]) if match else None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def as_code(value: object) -> int | None:
    """The whole number a platform code spells ("3", "3.0", 3.0), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = str(value).strip()
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    if re.fullmatch(r"[+-]?\d+\.0*", text):
        return int(float(text))
    return None


@dataclass(frozen=True)
class Choice:
    """One listed option of a platform question: its raw code, label and other spellings."""

    code: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportOptions:
    """What the user adds to an import: components, demographics, missing codes, language.

    ``components`` maps an item id, a multi-select question id (all its option items)
    or a source id to a CIPP component.
    """

    components: Mapping[str, str] = field(default_factory=dict)
    demographics: tuple[str, ...] = ()
    missing_codes: tuple[str, ...] = ()
    lang: str | None = None


@dataclass(frozen=True)
class ImportReport:
    """Everything an import skipped, guessed or wants the user to know."""

    platform: str
    file: str
    sha256: str
    skipped: tuple[tuple[str, str], ...] = ()
    guessed: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    needs_component: tuple[str, ...] = ()
    #: What the imported file is ("REDCap data dictionary"); the platform's name if empty.
    title: str = ""

    def lines(self) -> list[str]:
        """The report as plain lines (the YAML header comment and ``--dry-run`` output)."""
        name = self.title or self.platform
        out = [f"Imported from {name} {self.file} (sha256 {self.sha256[:12]}...)."]
        if self.skipped:
            out.append(f"Skipped {len(self.skipped)}:")
            out.extend(f"  - {what}: {why}" for what, why in self.skipped)
        if self.guessed:
            out.append(f"Guessed {len(self.guessed)} (check them):")
            out.extend(f"  - {what}" for what in self.guessed)
        if self.notes:
            out.append("Notes:")
            out.extend(f"  - {note}" for note in self.notes)
        if self.needs_component:
            listed = ", ".join(self.needs_component)
            out.append(
                f"TODO: {len(self.needs_component)} item(s) need a CIPP component "
                f"(context, input, process or product): {listed}"
            )
        else:
            out.append("Every item has a CIPP component.")
        return out


@dataclass(frozen=True)
class ImportResult:
    """An imported instrument (components may be empty) and its report."""

    instrument: Instrument
    report: ImportReport

    def to_yaml(self) -> str:
        from cipp.platforms.yamlio import instrument_to_yaml

        return instrument_to_yaml(self.instrument, header=self.report.lines())


@dataclass
class _ItemDraft:
    id: str
    text: str
    scale_key: tuple[object, ...]
    question: str
    source_id: str
    component: str = ""
    component_from: str = ""
    aliases: tuple[str, ...] = ()


def check_component(value: str, where: str) -> str:
    component = value.strip().lower()
    if component not in COMPONENTS:
        raise InstrumentError(
            f"{where}: '{value}' is not a CIPP component (choose {', '.join(COMPONENTS)})"
        )
    return component


def infer_component(name: str | None) -> str:
    """The component a group, block, form or section named after one stands for.

    "Process", "process_evaluation" and "2. Input" name a component; "inputs" does not.
    """
    if not name:
        return ""
    words = re.findall(r"[a-z]+", plain_text(name).casefold())
    for word in words[:2]:
        if word in COMPONENTS:
            return word
    return ""


def guess_kind(levels: Sequence[Level]) -> tuple[str, str]:
    """(kind, positive) of a level list: two levels are binary; agreement-like wording
    is likert; anything else is a rating. The positive end is low when the lowest code
    reads positive ("Strongly agree" = 1, "Excellent" = 1)."""
    if len(levels) == 2:
        kind = "binary"
    elif any(_LIKERT_WORDS.search(level.label) for level in levels):
        kind = "likert"
    else:
        kind = "rating"
    lowest = min(levels, key=lambda level: level.code)
    highest = max(levels, key=lambda level: level.code)
    positive = (
        "low"
        if _POSITIVE_START.match(lowest.label) and not _POSITIVE_START.match(highest.label)
        else "high"
    )
    return kind, positive


class Draft:
    """Collects questions from a definition, then builds the instrument and its report.

    ``platform`` is the name the instrument's source and the report give the platform,
    ``title`` what the report calls the imported file ("REDCap data dictionary").
    """

    def __init__(
        self, platform: str, path: Path, options: ImportOptions, *, title: str = ""
    ) -> None:
        self.platform = platform
        self.title = title
        self.path = path
        self.options = options
        self.sha256 = file_sha256(path)
        self._items: list[_ItemDraft] = []
        self._scales: dict[tuple[object, ...], Scale] = {}
        self._scale_hints: dict[tuple[object, ...], str] = {}
        self._demographics: list[Demographic] = []
        self._free_text: list[str] = []
        self._ids: set[str] = set()
        self._questions: dict[str, list[str]] = {}
        self._numeric: dict[str, str] = {}
        self.skipped: list[tuple[str, str]] = []
        self.guessed: list[str] = []
        self.notes: list[str] = []
        self._wanted_demographics = {d: False for d in options.demographics}
        self._missing = tuple(str(code) for code in options.missing_codes)
        self._missing_used: set[str] = set()

    # --- ids ------------------------------------------------------------------------

    def unique_id(self, raw: str) -> str:
        base = make_id(raw)
        candidate, number = base, 2
        while candidate in self._ids:
            candidate, number = f"{base}_{number}", number + 1
        if candidate != raw:
            self.guessed.append(f"'{raw}' is not a valid cipp id; named it '{candidate}'")
        self._ids.add(candidate)
        return candidate

    # --- levels and scales ----------------------------------------------------------

    def levels(
        self,
        question: str,
        choices: Sequence[Choice],
        *,
        missing: Iterable[tuple[str, str]] = (),
    ) -> tuple[tuple[Level, ...], tuple[str, ...]]:
        """Levels and missing values from listed choices.

        ``missing`` are (code, label) pairs the platform itself declares missing; codes
        named by ``--missing-code`` join them. Both leave the levels.
        """
        declared = {normalize_text(code) for code, _ in missing}
        wanted = {normalize_text(code) for code in self._missing}
        kept: list[Choice] = []
        missing_values: list[str] = []
        for code, label in missing:
            missing_values.extend([code, label] if label else [code])
        for choice in choices:
            key = normalize_text(choice.code)
            if key in declared:
                continue
            if key in wanted:
                self._missing_used.add(key)
                missing_values.extend([choice.code, choice.label])
                continue
            kept.append(choice)
        for code in self._missing:
            missing_values.append(code)
        codes = [as_code(choice.code) for choice in kept]
        used = {code for code in codes if code is not None}
        if len(used) < len([c for c in codes if c is not None]):
            raise InstrumentError(f"{self.path}: {question}: two choices share one code")
        next_code = max(used, default=0) + 1
        levels: list[Level] = []
        renumbered: list[str] = []
        for choice, given in zip(kept, codes, strict=True):
            spelled = {normalize_text(choice.label), normalize_text(choice.code)}
            aliases = [a for a in dict.fromkeys(choice.aliases) if normalize_text(a) not in spelled]
            if given is not None:
                number = given
            else:
                if not used:
                    number = len(levels) + 1
                else:
                    number, next_code = next_code, next_code + 1
                if normalize_text(choice.code) != normalize_text(choice.label):
                    aliases.insert(0, choice.code)
                renumbered.append(f"{choice.code} -> {number}")
            levels.append(
                Level(code=number, label=choice.label or choice.code, aliases=tuple(aliases))
            )
        if renumbered:
            self.guessed.append(
                f"{question}: codes are not whole numbers; numbered them "
                f"({', '.join(renumbered)}), the original codes kept as aliases"
            )
        levels = self._unambiguous(question, levels)
        return tuple(levels), self._missing_values(missing_values, levels)

    def _unambiguous(self, question: str, levels: list[Level]) -> list[Level]:
        """Drop aliases (and rename labels) that would name two levels at once."""
        owner: dict[str, int] = {}
        for level in levels:
            owner.setdefault(normalize_text(level.code), level.code)
        out: list[Level] = []
        for level in levels:
            label = level.label
            key = normalize_text(label)
            if owner.setdefault(key, level.code) != level.code:
                label = f"{label} (code {level.code})"
                self.guessed.append(
                    f"{question}: label '{level.label}' also spells another level's code; "
                    f"renamed it '{label}'"
                )
                owner[normalize_text(label)] = level.code
            aliases = []
            for alias in level.aliases:
                if owner.setdefault(normalize_text(alias), level.code) == level.code:
                    aliases.append(alias)
                else:
                    self.guessed.append(
                        f"{question}: dropped alias '{alias}' of '{label}' (names another level)"
                    )
            out.append(Level(code=level.code, label=label, aliases=tuple(aliases)))
        return out

    @staticmethod
    def _missing_values(values: Iterable[str], levels: Sequence[Level]) -> tuple[str, ...]:
        spellings = {normalize_text(s) for level in levels for s in level.spellings}
        out: list[str] = []
        seen: set[str] = set()
        for value in values:
            key = normalize_text(value)
            if value and key not in spellings and key not in seen:
                seen.add(key)
                out.append(value)
        return tuple(out)

    def scale_for(
        self,
        question: str,
        levels: tuple[Level, ...],
        missing: tuple[str, ...],
        *,
        hint: str | None = None,
    ) -> tuple[object, ...]:
        """The key of the (shared) scale of these levels, created on first use."""
        if len(levels) < 2:
            raise InstrumentError(
                f"{self.path}: {question}: a question needs at least two answer choices"
            )
        kind, positive = guess_kind(levels)
        key: tuple[object, ...] = (levels, missing, kind, positive)
        if key not in self._scales:
            self._scales[key] = Scale(
                id="", label="", levels=levels, kind=kind, positive=positive, missing=missing
            )
            if positive == "low":
                self.guessed.append(
                    f"{question}: the lowest code reads positive; the scale's positive end "
                    "is set to low"
                )
        if hint and key not in self._scale_hints:
            self._scale_hints[key] = hint
        return key

    # --- questions ------------------------------------------------------------------

    def wants_demographic(self, question: str) -> bool:
        return question in self._wanted_demographics

    def _component(self, item_id: str, question: str, source_id: str, inferred: str) -> str:
        for key in (item_id, question, source_id):
            if key in self.options.components:
                return check_component(self.options.components[key], option("components", key))
        return inferred

    def add_choice(
        self,
        question: str,
        text: str,
        choices: Sequence[Choice],
        *,
        source_id: str,
        component: str = "",
        component_from: str = "",
        scale_hint: str | None = None,
        missing: Iterable[tuple[str, str]] = (),
        aliases: Iterable[str] = (),
    ) -> None:
        """A single-choice question: an item, or a categorical demographic if asked for."""
        levels, missing_values = self.levels(question, choices, missing=missing)
        if self.wants_demographic(question):
            self._wanted_demographics[question] = True
            self._demographics.append(
                Demographic(
                    id=self.unique_id(question),
                    label=text or question,
                    kind="categorical",
                    levels=levels,
                    missing=missing_values,
                    aliases=tuple(aliases),
                )
            )
            return
        key = self.scale_for(question, levels, missing_values, hint=scale_hint)
        item_id = self.unique_id(question)
        item_aliases = tuple(a for a in aliases if a and a != item_id)
        if item_id != question and question not in item_aliases:
            item_aliases = (question, *item_aliases)
        self._add_item(
            _ItemDraft(
                id=item_id,
                text=text or question,
                scale_key=key,
                question=question,
                source_id=source_id,
                component=self._component(item_id, question, source_id, component),
                component_from=component_from,
                aliases=item_aliases,
            )
        )
        if not text:
            self.guessed.append(f"{question}: no question text; used its name")

    def add_on_scale(
        self,
        question: str,
        text: str,
        scale: Scale,
        *,
        source_id: str,
        aliases: Iterable[str] = (),
    ) -> None:
        """A single-choice question answered on a known scale (kept whole: aliases,
        missing values, collapse groups)."""
        if self.wants_demographic(question):
            self.add_choice(
                question,
                text,
                [Choice(str(lv.code), lv.label, lv.aliases) for lv in scale.levels],
                source_id=source_id,
                aliases=aliases,
            )
            return
        key: tuple[object, ...] = ("known", scale)
        self._scales.setdefault(key, scale)
        self._scale_hints.setdefault(key, scale.id)
        item_id = self.unique_id(question)
        self._add_item(
            _ItemDraft(
                id=item_id,
                text=text,
                scale_key=key,
                question=question,
                source_id=source_id,
                component=self._component(item_id, question, source_id, ""),
                aliases=tuple(a for a in aliases if a and a != item_id),
            )
        )

    def add_multi(
        self,
        question: str,
        text: str,
        choices: Sequence[Choice],
        *,
        source_id: str,
        option_source: str = "{question}/{code}",
        option_aliases: Sequence[str] = (),
        component: str = "",
        component_from: str = "",
    ) -> None:
        """A multi-select question: one binary item per option, ``<question>__<option>``.

        ``option_source`` and ``option_aliases`` are format strings with ``{question}``
        (the platform's name), ``{code}``, ``{label}`` and ``{text}`` (question text).
        """
        if self.wants_demographic(question):
            raise InstrumentError(
                f"{self.path}: {question} is a multi-select question; it cannot be a "
                f"demographic (drop it from {option('demographics')})"
            )
        key: tuple[object, ...] = ("selected",)
        self._scales.setdefault(key, SELECTED_SCALE)
        question_text = text or question
        for choice in choices:
            if normalize_text(choice.code) in {normalize_text(c) for c in self._missing}:
                continue
            values = {
                "question": question,
                "code": choice.code,
                "label": choice.label,
                "text": question_text,
                **{f"alias{i}": alias for i, alias in enumerate(choice.aliases)},
            }
            suffix = _ID_CHARS.sub("_", choice.code.strip()) or "option"
            item_id = self.unique_id(f"{make_id(question)}__{suffix}")
            aliases = tuple(
                dict.fromkeys(a.format(**values) for a in option_aliases if a.format(**values))
            )
            self._add_item(
                _ItemDraft(
                    id=item_id,
                    text=option_text(question_text, choice.label or choice.code),
                    scale_key=key,
                    question=question,
                    source_id=option_source.format(**values),
                    component=self._component(
                        item_id, question, option_source.format(**values), component
                    ),
                    component_from=component_from,
                    aliases=tuple(a for a in aliases if a != item_id),
                )
            )

    def _add_item(self, item: _ItemDraft) -> None:
        self._items.append(item)
        self._questions.setdefault(item.question, []).append(item.id)

    def add_free_text(self, question: str) -> None:
        if self.wants_demographic(question):
            raise InstrumentError(
                f"{self.path}: {question} is a free-text question; a demographic needs "
                "listed levels or numbers"
            )
        self._free_text.append(question)

    def add_number(self, question: str, text: str, *, aliases: Iterable[str] = ()) -> None:
        """A numeric question: a numeric demographic if asked for, else skipped."""
        if self.wants_demographic(question):
            self._wanted_demographics[question] = True
            self._demographics.append(
                Demographic(
                    id=self.unique_id(question),
                    label=text or question,
                    kind="numeric",
                    missing=self._missing,
                    aliases=tuple(aliases),
                )
            )
            self.notes.append(f"{question}: numeric demographic without bins; add bins for tables")
        else:
            self.skip(question, "a number, not an item (use --demographic to keep it)")

    def skip(self, question: str, reason: str) -> None:
        if self.wants_demographic(question):
            raise InstrumentError(f"{self.path}: {question} cannot be a demographic: {reason}")
        self.skipped.append((question, reason))

    # --- the result -----------------------------------------------------------------

    def _name_scales(self) -> dict[tuple[object, ...], str]:
        users: dict[tuple[object, ...], list[str]] = {}
        for item in self._items:
            users.setdefault(item.scale_key, []).append(item.question)
        names: dict[tuple[object, ...], str] = {}
        taken: set[str] = set()
        for key, scale in self._scales.items():
            if key not in users:
                continue
            if scale is SELECTED_SCALE:
                base = "selected"
            elif key in self._scale_hints:
                base = make_id(self._scale_hints[key])
            else:
                base = self._scale_name(scale, users[key])
            name, number = base, 2
            while name in taken:
                name, number = f"{base}_{number}", number + 1
            taken.add(name)
            names[key] = name
        return names

    @staticmethod
    def _scale_name(scale: Scale, questions: list[str]) -> str:
        labels = {normalize_text(level.label) for level in scale.levels}
        size = len(scale.levels)
        if labels == {"yes", "no"}:
            return "yes_no"
        if labels == {"true", "false"}:
            return "true_false"
        if any(_AGREE.search(level.label) for level in scale.levels):
            return f"agreement{size}"
        if len(set(questions)) == 1:
            return f"{make_id(questions[0])}_levels"
        return f"{scale.kind}{size}"

    def result(self, *, id: str, title: str, description: str = "") -> ImportResult:
        """Build the instrument; check that every option named something that exists."""
        self._check_options()
        names = self._name_scales()
        scales = []
        for key, name in names.items():
            scale = self._scales[key]
            label = scale.label or _scale_label(scale)
            scales.append(
                Scale(
                    id=name,
                    label=label,
                    levels=scale.levels,
                    kind=scale.kind,
                    positive=scale.positive,
                    missing=scale.missing,
                    collapse=scale.collapse,
                )
            )
        items = []
        for draft in self._items:
            if draft.component and draft.component_from:
                self.guessed.append(
                    f"{draft.id}: component '{draft.component}' from {draft.component_from}"
                )
            items.append(
                Item(
                    id=draft.id,
                    text=draft.text,
                    scale=names[draft.scale_key],
                    component=draft.component,
                    aliases=draft.aliases,
                    source_id=draft.source_id,
                )
            )
        if not items:
            raise InstrumentError(
                f"{self.path}: no question with listed answer choices was found, so there "
                "is no item to analyse (the import report lists what was skipped)"
            )
        source = {
            "platform": self.platform,
            "file": self.path.name,
            "sha256": self.sha256,
        }
        instrument = Instrument(
            id=make_id(id),
            title=title or id,
            description=description,
            scales=tuple(scales),
            items=tuple(items),
            demographics=tuple(self._demographics),
            free_text=tuple(self._free_text),
            source=source,
        )
        report = ImportReport(
            platform=self.platform,
            file=self.path.name,
            sha256=self.sha256,
            skipped=tuple(self.skipped),
            guessed=tuple(dict.fromkeys(self.guessed)),
            notes=tuple(dict.fromkeys(self.notes)),
            needs_component=tuple(item.id for item in items if not item.component),
            title=self.title,
        )
        return ImportResult(instrument=instrument, report=report)

    def _check_options(self) -> None:
        known = {
            *(item.id for item in self._items),
            *(item.question for item in self._items),
            *(item.source_id for item in self._items),
        }
        unknown = [key for key in self.options.components if key not in known]
        problems = [
            f"{option('components', key)}: no such item{_nearest(key, known)}" for key in unknown
        ]
        names = {
            *known,
            *self._free_text,
            *(what for what, _ in self.skipped),
        }
        problems += [
            f"{option('demographics', key)}: no such question{_nearest(key, names)}"
            for key, found in self._wanted_demographics.items()
            if not found
        ]
        if problems:
            raise InstrumentError(f"{self.path}: {'; '.join(problems)}")
        unused = [c for c in self._missing if normalize_text(c) not in self._missing_used]
        if unused:
            self.notes.append(
                f"--missing-code {', '.join(unused)}: not a listed choice anywhere; "
                "added to every scale's missing values"
            )


def _nearest(key: str, names: Iterable[str]) -> str:
    close = get_close_matches(key, sorted(names), n=3, cutoff=0.6)
    return f" (nearest: {', '.join(close)})" if close else ""


def _scale_label(scale: Scale) -> str:
    first, last = scale.levels[0].label, scale.levels[-1].label
    return f"{first} .. {last}" if len(scale.levels) > 2 else f"{first} / {last}"
