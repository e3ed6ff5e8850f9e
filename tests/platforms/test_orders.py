"""Which way answers run: the ordered vocabularies of cipp.platforms.orders.

The label sets are the response options of published instruments and of survey platforms'
question libraries as their documentation lists them (Likert agreement scales of 2-7
points, Vagias' (2006) unipolar scales, PISA's frequency and amount wordings, the NPS
0-10 prefixes, Qualtrics' likelihood and satisfaction wordings), given here in shuffled
order; the expected order is the one those sources print.
"""

from __future__ import annotations

import random

import pytest

from cipp.platforms.orders import is_non_substantive, order_answers

ORDERED = [
    ["Strongly disagree", "Disagree", "Agree", "Strongly agree"],
    ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"],
    ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"],
    [
        "Strongly disagree",
        "Disagree",
        "Somewhat disagree",
        "Neither agree nor disagree",
        "Somewhat agree",
        "Agree",
        "Strongly agree",
    ],
    ["Tend to disagree", "Tend to agree", "Strongly agree"],
    ["Disagree", "Agree"],
    ["Never", "Rarely", "Sometimes", "Often", "Always"],
    [
        "Never or almost never",
        "A few times a year",
        "About once a month",
        "Several times a month",
        "Several times a week",
        "Every day",
        "Several times a day",
    ],
    ["Never", "Once or twice a month", "Weekly", "Daily"],
    ["None", "Some", "Most", "All"],
    ["Never or hardly ever", "In some lessons", "In most lessons", "In all lessons"],
    [
        "Never or almost never",
        "Less than half of the time",
        "About half of the time",
        "More than half of the time",
        "All or almost all of the time",
    ],
    ["Very poor", "Poor", "Fair", "Good", "Very good", "Excellent"],
    [
        "Very dissatisfied",
        "Dissatisfied",
        "Neither satisfied nor dissatisfied",
        "Satisfied",
        "Very satisfied",
    ],
    [
        "Not at all important",
        "Slightly important",
        "Moderately important",
        "Very important",
        "Extremely important",
    ],
    ["Not at all", "Slightly", "Somewhat", "Moderately", "Extremely"],
    ["Not at all", "A little", "Somewhat", "Quite a bit", "Very much"],
    ["Not useful at all", "Slightly useful", "Somewhat useful", "Very useful"],
    ["Very unlikely", "Unlikely", "Likely", "Very likely"],
    ["Definitely not", "Probably not", "Might or might not", "Probably yes", "Definitely yes"],
    [
        "Not at all like me",
        "Not much like me",
        "Somewhat like me",
        "Mostly like me",
        "Very much like me",
    ],
    ["Much worse", "Worse", "About the same", "Better", "Much better"],
    ["No, not at all", "Somewhat", "Yes, very useful"],
    ["(1) Not useful at all", "(2)", "(3)", "(4)", "(5)", "(6) Very useful"],
    ["1 - Poor", "2", "3", "4", "5 - Excellent"],
    ["0 - Not at all likely", *map(str, range(1, 10)), "10 - Extremely likely"],
    ["1", "2", "3", "4", "5"],
]


@pytest.mark.parametrize("labels", ORDERED, ids=lambda labels: labels[-1])
def test_known_scales_come_out_in_order_whatever_order_they_are_met(labels):
    shuffled = list(labels)
    random.Random(len(labels)).shuffle(shuffled)
    ordering = order_answers(shuffled)
    assert ordering is not None
    assert [group[0] for group in ordering.ranked()] == labels


def test_misspellings_are_the_level_they_mean():
    ordering = order_answers(["Agree", "Stongly agree", "Agre", "Strong agree", "Disagree"])
    assert ordering is not None
    assert ordering.ranked() == [["Disagree"], ["Agree", "Agre"], ["Stongly agree", "Strong agree"]]
    assert ordering.two_ended  # agree / disagree: a positive share above the middle


@pytest.mark.parametrize(
    "labels",
    [
        ["Male", "Female"],
        ["Surgery", "Medicine", "Pediatrics"],
        ["Early", "Late", "On time"],  # "early" is no misspelling of "rarely"
        ["Agree strongly", "Strongly agree", "Disagree"],  # two wordings of one place
        ["Agree", "Blue"],  # one answer the vocabularies do not know
        ["Agree"],
    ],
)
def test_no_order_is_made_up(labels):
    assert order_answers(labels) is None


@pytest.mark.parametrize(
    "label",
    ["Don't know", "Don’t know", "N/A", "Not applicable", "Prefer not to say", "No opinion"],
)
def test_non_substantive_answers(label):
    assert is_non_substantive(label)


@pytest.mark.parametrize("label", ["Neutral", "Agree", "Never", "None", "No"])
def test_answers_on_the_scale_are_substantive(label):
    assert not is_non_substantive(label)
