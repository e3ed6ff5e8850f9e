"""Disagreements, adjudication, final coding, anonymisation and themes."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from cipp import to_dict
from cipp.flow.adjudication import final_coding, find_disagreements
from cipp.flow.anonymise import quote_label
from cipp.flow.intercoder import analyse_agreement
from cipp.flow.qualitative import QualitativeInputs, analyse_themes
from cipp.flow.themes import summarize_themes
from cipp.model.coding import Unit
from cipp.model.errors import CippError, DataError
from cipp.read.adjudication import read_adjudication
from cipp.read.pseudonyms import load_pseudonyms
from cipp.render.prose import agreement_methods
from cipp.render.qualitative import disagreements_csv

from .conftest import FGD


def test_disagreements_round_trip(coding, codebook, tmp_path: Path):
    found = find_disagreements(coding, ("coder_a", "coder_b"), codebook=codebook)
    assert len(found) == 25 == analyse_agreement(coding, codebook).disagreements
    path = tmp_path / "adjudication.csv"
    path.write_text(disagreements_csv(found), encoding="utf-8")
    header = path.read_text(encoding="utf-8").splitlines()[0]
    assert header == "segment_id,code,coder_a,coder_b,decision,adjudicator,note,text"
    read = read_adjudication(path)
    assert len(read.decisions) == 25
    assert all(decision is None for decision, _, _ in read.decisions.values())
    # the example file holds the same disagreements, all decided
    example = read_adjudication(FGD / "adjudication.csv")
    assert set(example.decisions) == set(read.decisions)
    assert all(decision in ("include", "exclude") for decision, _, _ in example.decisions.values())


def test_final_coding_is_agreed_plus_included(coding, codebook):
    final = final_coding(
        coding, adjudication=read_adjudication(FGD / "adjudication.csv"), codebook=codebook
    )
    assert final.undecided == () and final.warnings == ()
    a, b = coding.coded_by("coder_a"), coding.coded_by("coder_b")
    included = {(d.segment_id, d.code) for d in final.disagreements if d.decision == "include"}
    for unit, codes in final.codes.items():
        expected = (a[unit] & b[unit]) | {c for c in a[unit] ^ b[unit] if (unit, c) in included}
        assert codes == expected
    # F1-03: coder_b alone applied no_personal_connection; the adjudicator excluded it
    assert "no_personal_connection" not in final.codes["F1-03"]
    assert "felt_judged" in final.codes["F1-05"]  # coder_a alone; included


def test_undecided_disagreements_are_listed_never_dropped(coding, codebook, tmp_path: Path):
    lines = (FGD / "adjudication.csv").read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",exclude,", ",,")  # F1-03 no_personal_connection
    lines[2] = lines[2].replace(",include,", ",,")  # F1-05 felt_judged
    path = tmp_path / "adjudication.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    final = final_coding(coding, adjudication=read_adjudication(path), codebook=codebook)
    assert [(d.segment_id, d.code) for d in final.undecided] == [
        ("F1-03", "no_personal_connection"),
        ("F1-05", "felt_judged"),
    ]
    assert final.warnings[0].startswith("2 of 25 disagreements are undecided in")
    assert "undecided: segment F1-05, code 'felt_judged' (coder_a: yes, coder_b: no)" in (
        final.warnings
    )
    assert "felt_judged" not in final.codes["F1-05"]


def test_bad_decision_is_an_error(tmp_path: Path):
    path = tmp_path / "adjudication.csv"
    path.write_text(
        "segment_id,code,coder_a,coder_b,decision\nu1,x,a: yes,b: no,maybe\n", encoding="utf-8"
    )
    with pytest.raises(DataError, match="row 2, column 'decision': 'maybe' is not include or"):
        read_adjudication(path)


def test_more_than_two_coders_must_be_chosen(codebook, tmp_path: Path):
    path = tmp_path / "three.csv"
    path.write_text(
        "segment_id,document,text,coder,code\n"
        + "".join(f"u{i},D,t,{c},guidance_on_studies\n" for i in (1, 2) for c in "xyz")
        + "u3,D,t,x,\nu3,D,t,y,\nu3,D,t,z,felt_encouraged\n",
        encoding="utf-8",
    )
    from cipp.read.segments import read_segments

    coding = read_segments(path, codebook)
    with pytest.raises(DataError, match="choose the two whose coding is adjudicated"):
        final_coding(coding)
    results = analyse_agreement(coding, codebook)
    assert results.kappa_statistic == "fleiss"
    assert "Three coders independently coded 3 units" in agreement_methods(results)
    assert final_coding(coding, coders=["x", "y"]).coders == ("x", "y")


def test_agreement_results_json_shape(coding, codebook):
    results = analyse_agreement(coding, codebook)
    data = to_dict(results)
    assert data["coders"] == ["coder_a", "coder_b"]
    assert data["units"] == 74
    row = data["codes"][0]
    for key in ("code", "units", "percent_agreement", "kappa", "alpha", "ac1", "brennan_prediger"):
        assert key in row and key in data["pooled"]
    assert 0 <= data["pooled"]["percent_agreement"] <= 1
    assert data["methods"] == (
        "Two coders independently coded 74 units; pooled kappa = "
        f"{results.pooled.kappa:.2f}, alpha = {results.pooled.alpha:.2f}; 25 disagreements "
        "were resolved by a third researcher."
    )
    rare = next(code for code in results.codes if code.code == "rec_evaluate_mentor")
    assert rare.kappa == pytest.approx(0.0) and rare.ac1 > 0.95  # kappa collapses, AC1 not
    assert not any(math.isnan(c.alpha) for c in results.codes)


def test_pseudonyms_whole_words_and_labels(tmp_path: Path):
    names = load_pseudonyms(FGD / "pseudonyms.yaml")
    text = "Reaching Dr. Imran was hard; Imranbhai and HINA agree, Farah's too; Hinako."
    # A name of five letters or more is replaced inside a longer word too (Imranbhai), a
    # shorter one only as a word of its own (Hinako stays).
    assert names.apply(text) == (
        "Reaching Dr. [mentor] was hard; [mentor]bhai and [classmate] agree, "
        "[classmate]'s too; Hinako."
    )
    csv_file = tmp_path / "names.csv"
    csv_file.write_text("name,replacement\nSara Khan,P-one\nSara,P-two\n", encoding="utf-8")
    pairs = load_pseudonyms(csv_file)
    assert pairs.apply("Sara  Khan met Sara.") == "P-one met P-two."
    unit = Unit("u", "FGD1", "t", group="mentor", session="5", participant="2")
    assert quote_label(unit) == "mentor, FGD 5, P2"
    assert quote_label(unit, "{group} {document}") == "mentor FGD1"
    with pytest.raises(CippError, match="unknown field"):
        quote_label(unit, "{year}")


def test_a_surviving_name_fails(coding, codebook, tmp_path: Path):
    path = tmp_path / "swap.yaml"
    path.write_text("Imran: Hina\nHina: Imran\n", encoding="utf-8")
    names = load_pseudonyms(path)
    final = final_coding(
        coding, adjudication=read_adjudication(FGD / "adjudication.csv"), codebook=codebook
    )
    with pytest.raises(CippError, match="original name\\(s\\) 'Hina' .* survive"):
        summarize_themes(final, codebook, quotes=5, pseudonyms=names)


def test_themes_reproduce_the_study_counts(coding, codebook):
    final = final_coding(
        coding, adjudication=read_adjudication(FGD / "adjudication.csv"), codebook=codebook
    )
    results = summarize_themes(
        final, codebook, quotes=2, pseudonyms=load_pseudonyms(FGD / "pseudonyms.yaml")
    )
    sizes = {group.group: group for group in results.groups}
    assert sizes["mentee"].participants == 27 and sizes["mentee"].sessions == 4
    assert sizes["mentor"].participants == 8 and sizes["mentor"].sessions == 1
    mutual = results.theme("not_mutually_beneficial").in_group("mentor")
    assert mutual is not None
    rewarding = next(code for code in mutual.codes if code.code == "rewarding_relationship")
    assert (rewarding.participants, mutual.of_participants) == (2, 8)
    assert rewarding.valence == "positive"
    assert dict(mutual.participants_by_valence) == {"negative": 6, "positive": 2}
    # exemplars come first, then the first ones; at most k
    assert mutual.quotes[0].exemplar and len(mutual.quotes) == 2
    assert all(
        len(code.quotes) <= 2 for theme in results.themes for g in theme.groups for code in g.codes
    )
    texts = " ".join(q.text for t in results.themes for g in t.groups for q in g.quotes)
    assert "Imran" not in texts and "[mentor]" in texts
    assert mutual.quotes[0].label == "mentor, FGD 5, P2"
    assert results.theme("mentee_rec_structure").in_group("mentor") is None
    data = to_dict(results)
    assert data["themes"][0]["groups"][0]["share"] == pytest.approx(5 / 27)
    assert "product" in results.by_component()


def test_analyse_themes_is_the_pipeline_from_files(coding, codebook):
    label = "{group}, P{participant}"
    analysis = analyse_themes(
        QualitativeInputs(
            segments=(FGD / "segments.csv",),
            codebook=FGD / "codebook.yaml",
            adjudication=FGD / "adjudication.csv",
            pseudonyms=FGD / "pseudonyms.yaml",
            quotes=1,
            label=label,
        )
    )
    final = final_coding(
        coding, adjudication=read_adjudication(FGD / "adjudication.csv"), codebook=codebook
    )
    names = load_pseudonyms(FGD / "pseudonyms.yaml")
    assert analysis.coding == coding
    assert analysis.final == final
    assert analysis.pseudonyms == names
    assert analysis.themes == summarize_themes(
        final, codebook, quotes=1, label=label, pseudonyms=names
    )
