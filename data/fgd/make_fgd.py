"""Generate the synthetic focus-group example data in data/fgd/ (fixed seed, reproducible).

    python data/fgd/make_fgd.py

Writes, beside this script:

- codebook.yaml     the study's themes (mentees and mentors, four recommendation themes
                    each, marked ``kind: recommendation``), each with a CIPP component
                    and a valence;
- codebook.qdc      the same code tree as a REFI-QDA codebook (components not included,
                    as REFI-QDA has no place for them);
- segments.csv      every unit of five focus groups coded by two coders (coder_a,
                    coder_b), one row per code per unit per coder, empty code = uncoded;
- adjudication.csv  every disagreement with the third researcher's decision;
- pseudonyms.yaml   the invented names that occur in the transcripts -> replacements;
- fgd.qdpx          the same coding as a REFI-QDA project (project.qde + sources/);
- integration.yaml  an integration file for ``cipp report``: the eight recommendation
                    themes merged into four recommendations, each resting on both groups.

The transcripts are invented, written for cipp; they are not the study's quotes, and
the names in them are fictitious. What they reproduce: 27 mentees in four groups
(7, 7, 7, 6), 8 mentors in one group, the study's themes, and 2 of 8 mentors finding the
relationship rewarding. The "truth" coding below is what the adjudicator restores;
each coder departs from it at random (seeded) by leaving out a code or adding a
confusable one.
"""

from __future__ import annotations

import csv
import io
import random
import uuid
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import yaml

HERE = Path(__file__).resolve().parent
SEED = 20240415
CODERS = ("coder_a", "coder_b")
ADJUDICATOR = "adjudicator_c"
NAMESPACE = uuid.UUID("6f1c3c2e-8d0a-4f57-9a51-2c3f1d0e7b10")

# theme id, name, component, also, valence, description, [(code id, name, definition[, valence])]
THEMES = [
    (
        "academic_support",
        "Academic support and satisfaction",
        "product",
        ["process"],
        "positive",
        "Mentees who found the mentor helpful with studies, exams, career choices or worries.",
        [
            (
                "guidance_on_studies",
                "Guidance on studies and exams",
                "The mentor helped with study plans, books, exams or career choices.",
            ),
            (
                "felt_encouraged",
                "Felt encouraged and listened to",
                "The mentee felt heard, cared for or encouraged.",
            ),
        ],
    ),
    (
        "no_meaningful_relationship",
        "No meaningful relationship",
        "process",
        ["product"],
        "negative",
        "Contact stayed formal or superficial; no bond formed.",
        [
            (
                "meetings_a_formality",
                "Meetings felt like a formality",
                "Meetings were attendance, paperwork or a ritual without content.",
            ),
            (
                "no_personal_connection",
                "No personal connection with the mentor",
                "No trust or bond; the mentee would not turn to the mentor.",
            ),
        ],
    ),
    (
        "judgment_and_bias",
        "Perceived judgment and bias",
        "process",
        [],
        "negative",
        "Mentees felt judged, compared or treated unequally.",
        [
            (
                "felt_judged",
                "Felt judged or compared",
                "Remarks about marks, background or person that made the mentee feel judged.",
            ),
            (
                "favouritism",
                "Favouritism towards some mentees",
                "Some mentees treated better than others.",
            ),
        ],
    ),
    (
        "difficult_accessibility",
        "Difficult accessibility",
        "process",
        ["input"],
        "negative",
        "The mentor was hard to reach or meetings could not be fitted in.",
        [
            (
                "mentor_hard_to_reach",
                "Mentor hard to reach",
                "No reply, not available, no way to contact the mentor.",
            ),
            (
                "timetable_clash",
                "Meetings clash with classes or duties",
                "Meeting times collide with teaching, tests or travel.",
            ),
        ],
    ),
    (
        "unclear_purpose",
        "Lack of clarity of purpose",
        "context",
        [],
        "negative",
        "Mentees did not know what the program was for.",
        [
            (
                "aims_not_explained",
                "Aims of the program not explained",
                "Nobody explained the goals of the program.",
            ),
            (
                "unsure_what_to_ask",
                "Unsure what to bring to the mentor",
                "The mentee did not know what to ask or discuss.",
            ),
        ],
    ),
    (
        "mentee_rec_communication",
        "Recommendation (mentees): easy communication and access",
        "process",
        [],
        "neutral",
        "Ways to reach the mentor easily.",
        [
            (
                "rec_contact_channel",
                "Recommend a fixed way to reach the mentor",
                "A fixed hour, group chat or slot in the timetable.",
            )
        ],
    ),
    (
        "mentee_rec_structure",
        "Recommendation (mentees): reforms in the structure",
        "input",
        ["context"],
        "neutral",
        "One-to-one sessions, the same mentor across years, choice, aims.",
        [
            (
                "rec_one_to_one",
                "Recommend one-to-one sessions",
                "Smaller groups or one-to-one time.",
            ),
            (
                "rec_same_mentor",
                "Recommend keeping the same mentor across years",
                "Continuity of the mentor over the years of study.",
            ),
            (
                "rec_choose_mentor",
                "Recommend letting mentees choose their mentor",
                "Mentees pick their mentor.",
            ),
            (
                "rec_clear_aims",
                "Recommend stating the aims at the start",
                "Explain what the program is for at the outset.",
            ),
        ],
    ),
    (
        "mentee_rec_training",
        "Recommendation (mentees): training for mentors",
        "input",
        [],
        "neutral",
        "Mentors should be trained.",
        [
            (
                "rec_train_mentors_mentee",
                "Recommend training for mentors (mentees' view)",
                "Training in listening, fairness, confidentiality.",
            )
        ],
    ),
    (
        "mentee_rec_evaluation",
        "Recommendation (mentees): periodic evaluation",
        "product",
        [],
        "neutral",
        "Ask mentees regularly and act on it.",
        [
            (
                "rec_evaluate_mentee",
                "Recommend periodic evaluation with mentee feedback",
                "Regular feedback from mentees on the sessions.",
            )
        ],
    ),
    (
        "infrequent_interactions",
        "Inconsistent and infrequent interactions",
        "process",
        [],
        "negative",
        "Mentors met their groups rarely and irregularly.",
        [
            ("few_meetings", "Few meetings over the year", "Too few meetings to build anything."),
            ("contact_lapses", "Contact lapses between meetings", "No contact between meetings."),
        ],
    ),
    (
        "attendance_frustration",
        "Frustration with attendance",
        "process",
        [],
        "negative",
        "Mentees did not come or did not take part.",
        [
            ("mentees_absent", "Mentees do not turn up", "Low attendance at meetings."),
            ("mentees_passive", "Mentees passive when present", "Mentees present but silent."),
        ],
    ),
    (
        "not_mutually_beneficial",
        "Not mutually beneficial",
        "product",
        [],
        "negative",
        "Whether mentoring gave the mentor anything back; most said no, two said yes.",
        [
            (
                "no_gain_for_mentor",
                "Nothing gained as a mentor",
                "The mentor got nothing back: one-sided, an extra duty.",
            ),
            (
                "rewarding_relationship",
                "Found the relationship rewarding",
                "The mentor enjoyed it or learned from it.",
                "positive",
            ),
        ],
    ),
    (
        "unclear_expectations",
        "Unclear expectations of mentees",
        "context",
        [],
        "negative",
        "Mentors did not know what mentees expected or what their own role was.",
        [
            (
                "unsure_what_mentees_need",
                "Unsure what mentees expect",
                "The mentor does not know what mentees want.",
            ),
            ("role_undefined", "Mentor role not defined", "Nobody defined the mentor's role."),
        ],
    ),
    (
        "implementation_time",
        "Ineffective implementation and time constraints",
        "input",
        ["process"],
        "negative",
        "No protected time, scheduling conflicts and workload.",
        [
            (
                "no_protected_time",
                "No protected time for mentoring",
                "Mentoring has no protected place in the roster.",
            ),
            (
                "scheduling_conflict",
                "Timetables of mentors and mentees do not match",
                "Scheduling between the two timetables fails.",
            ),
            (
                "clinical_workload",
                "Clinical and teaching workload",
                "Wards, clinics and lectures leave no room.",
            ),
        ],
    ),
    (
        "mentor_rec_implementation",
        "Recommendation (mentors): effective implementation",
        "process",
        ["input"],
        "neutral",
        "More frequent meetings, matching by choice, continuity.",
        [
            (
                "rec_more_meetings",
                "Recommend more frequent meetings",
                "Regular, scheduled meetings.",
            ),
            ("rec_match_by_choice", "Recommend matching by choice", "Mentors and mentees choose."),
            ("rec_continuity", "Recommend continuity of the mentor", "Same group over the years."),
        ],
    ),
    (
        "mentor_rec_admin",
        "Recommendation (mentors): administrative collaboration",
        "input",
        [],
        "neutral",
        "The administration should support and follow up.",
        [
            (
                "rec_admin_support",
                "Recommend administrative support",
                "Rooms, reminders, protected time, follow-up by the office.",
            )
        ],
    ),
    (
        "mentor_rec_training",
        "Recommendation (mentors): training and guidance of mentors",
        "input",
        [],
        "neutral",
        "More than one training session; ongoing guidance.",
        [
            (
                "rec_mentor_guidance",
                "Recommend training and guidance for mentors",
                "Regular training or pairing with experienced mentors.",
            )
        ],
    ),
    (
        "mentor_rec_evaluation",
        "Recommendation (mentors): periodic evaluation",
        "product",
        ["context"],
        "neutral",
        "Evaluate the program regularly with both sides.",
        [
            (
                "rec_evaluate_mentor",
                "Recommend periodic evaluation of the program",
                "Yearly evaluation with feedback from mentors and mentees.",
            )
        ],
    ),
]

# The themes that hold what participants recommended (``kind: recommendation``).
RECOMMENDATION_THEMES = {
    "mentee_rec_communication",
    "mentee_rec_structure",
    "mentee_rec_training",
    "mentee_rec_evaluation",
    "mentor_rec_implementation",
    "mentor_rec_admin",
    "mentor_rec_training",
    "mentor_rec_evaluation",
}

# Four recommendations, each resting on a recommendation theme of each group (wording
# invented from the themes, not the study's). Item ids are the bundled instruments'
# (instruments/mentee.yaml, instruments/mentor.yaml).
RECOMMENDATIONS = [
    {
        "id": "structure_and_meetings",
        "text": "Reform the structure: smaller groups or one-to-one time, the same mentor "
        "across the years, some choice of mentor, and regular meetings in the timetable.",
        "component": "process",
        "themes": ["mentee_rec_structure", "mentor_rec_implementation"],
    },
    {
        "id": "mentor_training",
        "text": "Train mentors, and keep guiding them after the first session.",
        "component": "input",
        "themes": ["mentee_rec_training", "mentor_rec_training"],
        "items": ["wants_more_training", "training_prepared"],
    },
    {
        "id": "access_and_administration",
        "text": "Make mentors easy to reach (a fixed hour or channel) and have the "
        "administration protect the time and follow up.",
        "component": "input",
        "themes": ["mentee_rec_communication", "mentor_rec_admin"],
    },
    {
        "id": "periodic_evaluation",
        "text": "Evaluate the program every year with feedback from mentees and mentors, "
        "and act on it.",
        "component": "product",
        "themes": ["mentee_rec_evaluation", "mentor_rec_evaluation"],
    },
]

# Codes a coder may add by mistake when the true code is present (realistic confusions).
CONFUSE = {
    "meetings_a_formality": ["no_personal_connection"],
    "no_personal_connection": ["meetings_a_formality"],
    "felt_judged": ["favouritism"],
    "mentor_hard_to_reach": ["timetable_clash"],
    "timetable_clash": ["mentor_hard_to_reach"],
    "aims_not_explained": ["unsure_what_to_ask"],
    "unsure_what_to_ask": ["aims_not_explained"],
    "guidance_on_studies": ["felt_encouraged"],
    "rec_one_to_one": ["rec_choose_mentor"],
    "rec_clear_aims": ["aims_not_explained"],
    "few_meetings": ["contact_lapses"],
    "mentees_absent": ["mentees_passive"],
    "no_gain_for_mentor": ["rewarding_relationship", "mentees_passive"],
    "unsure_what_mentees_need": ["role_undefined"],
    "no_protected_time": ["clinical_workload", "scheduling_conflict"],
    "clinical_workload": ["no_protected_time"],
    "rec_more_meetings": ["rec_continuity"],
    "rec_mentor_guidance": ["role_undefined"],
}

M = "moderator"
# (group, session, [(speaker, text, codes, exemplar)]); speaker M is the moderator.
SESSIONS = [
    (
        "mentee",
        "1",
        [
            (
                M,
                "Let us start with your mentor. How satisfied are you with that relationship?",
                [],
                0,
            ),
            (
                "1",
                "Honestly my mentor was very helpful before the anatomy viva. She went through the "
                "topics I was weak in and showed me how to plan my revision.",
                ["guidance_on_studies"],
                1,
            ),
            (
                "2",
                "We met maybe three times in the whole year, and each time it was attendance and a "
                "photo for the file.",
                ["meetings_a_formality"],
                0,
            ),
            (
                "3",
                "I never felt I could talk to him about anything personal. It stayed formal, like "
                "a lecture.",
                ["no_personal_connection"],
                0,
            ),
            (
                "4",
                "When I failed the physiology test he compared me with the toppers in front of "
                "everyone. After that I stopped going.",
                ["felt_judged"],
                1,
            ),
            ("5", "I agree with her.", [], 0),
            (
                "6",
                "Reaching Dr. Imran was the hardest part. He is on the ward all morning and in "
                "the clinic after lunch, so no time is left for us.",
                ["mentor_hard_to_reach", "timetable_clash"],
                0,
            ),
            (
                "7",
                "Nobody told us what the mentor is actually for. Studies, problems at home, "
                "career? We still don't know.",
                ["aims_not_explained"],
                1,
            ),
            (M, "What would you change if the program ran again next year?", [], 0),
            (
                "1",
                "A group chat or a fixed office hour would help, so we know where and when to "
                "find the mentor.",
                ["rec_contact_channel"],
                0,
            ),
            (
                "2",
                "Ten students with one mentor is too many. Fifteen minutes one-to-one would be "
                "better than the big circle.",
                ["rec_one_to_one"],
                0,
            ),
            (
                "5",
                "Keep the same mentor from first year to final year; every year we start again "
                "from zero.",
                ["rec_same_mentor"],
                0,
            ),
            (
                "3",
                "The mentors need some training in how to talk to students, not only in the "
                "paperwork.",
                ["rec_train_mentors_mentee"],
                0,
            ),
            (
                "6",
                "Someone should ask us every term whether the meetings are useful, and then "
                "actually change things.",
                ["rec_evaluate_mentee"],
                0,
            ),
        ],
    ),
    (
        "mentee",
        "2",
        [
            (M, "How do you feel about your relationship with your mentor?", [], 0),
            (
                "1",
                "My mentor encouraged me a lot when I was homesick in the first months. I felt "
                "someone in the college cared.",
                ["felt_encouraged"],
                1,
            ),
            (
                "2",
                "For me it was good for studies. He shared his old notes and told us which books "
                "are enough for the professional exam.",
                ["guidance_on_studies"],
                0,
            ),
            (
                "3",
                "It was a meeting for the sake of a meeting. Sign the register, listen to a short "
                "talk, go back.",
                ["meetings_a_formality"],
                1,
            ),
            (
                "4",
                "Some students were clearly his favourites; they got his phone number and we did "
                "not.",
                ["favouritism", "mentor_hard_to_reach"],
                0,
            ),
            (
                "5",
                "I did not know what I was supposed to ask. I sat quietly because I had no idea "
                "what the sessions were for.",
                ["unsure_what_to_ask", "aims_not_explained"],
                0,
            ),
            (
                "6",
                "We were given a mentor from another department whom we never see, so there is "
                "no connection at all.",
                ["no_personal_connection"],
                0,
            ),
            (
                "7",
                "Every time a meeting was fixed it clashed with the dissection hall or a test.",
                ["timetable_clash"],
                0,
            ),
            (
                "4",
                "Hina messaged her mentor three times and never got a reply.",
                ["mentor_hard_to_reach"],
                0,
            ),
            (M, "What are your recommendations?", [], 0),
            (
                "6",
                "Let us choose our mentor. If I already know a teacher I trust, I will actually "
                "go to them.",
                ["rec_choose_mentor"],
                1,
            ),
            (
                "7",
                "Check with the students after a few months and replace the mentors who never "
                "meet their group.",
                ["rec_evaluate_mentee"],
                0,
            ),
            (
                "3",
                "Mentors should learn to listen before giving advice; a short workshop would help.",
                ["rec_train_mentors_mentee"],
                0,
            ),
            (
                "2",
                "Put the meetings in the timetable itself, not in our free periods.",
                ["rec_contact_channel"],
                0,
            ),
            (
                "5",
                "One mentor for all five years, so that by final year the mentor really knows us.",
                ["rec_same_mentor"],
                0,
            ),
        ],
    ),
    (
        "mentee",
        "3",
        [
            (M, "Tell us about your experience with your mentor.", [], 0),
            (
                "1",
                "She listened patiently when I talked about exam stress and gave me practical "
                "tips.",
                ["felt_encouraged", "guidance_on_studies"],
                0,
            ),
            (
                "2",
                "I felt judged. She kept asking about my marks as if that is all I am.",
                ["felt_judged"],
                0,
            ),
            (
                "3",
                "There was no bond. I would not go to my mentor even with a real problem.",
                ["no_personal_connection"],
                1,
            ),
            (
                "4",
                "The purpose was never clear to me. Maybe it looks good on paper, but in practice "
                "I don't see it.",
                ["aims_not_explained"],
                0,
            ),
            (
                "5",
                "Our mentor changed twice in one year, so nothing could build up.",
                ["no_personal_connection"],
                0,
            ),
            (
                "6",
                "Finding him is difficult. The department secretary would say he is busy and to "
                "come another day.",
                ["mentor_hard_to_reach"],
                1,
            ),
            (
                "7",
                "The meetings were short and mostly about rules and attendance, not about us.",
                ["meetings_a_formality"],
                0,
            ),
            (
                "3",
                "Farah and I stopped going after the second meeting because nothing happened "
                "there.",
                ["meetings_a_formality"],
                0,
            ),
            (M, "What should change?", [], 0),
            (
                "1",
                "Smaller groups, or one-to-one time at least once a term.",
                ["rec_one_to_one"],
                0,
            ),
            (
                "4",
                "Tell us at the start what the program is for and what we can expect from the "
                "mentor.",
                ["rec_clear_aims"],
                0,
            ),
            (
                "5",
                "Give the mentors proper training. Some of them seem as confused as we are.",
                ["rec_train_mentors_mentee"],
                0,
            ),
            (
                "2",
                "An anonymous online form every semester where we can rate the sessions.",
                ["rec_evaluate_mentee"],
                0,
            ),
            (
                "7",
                "If mentees could pick from a list of mentors, people would take it more "
                "seriously.",
                ["rec_choose_mentor"],
                0,
            ),
        ],
    ),
    (
        "mentee",
        "4",
        [
            (M, "How satisfied are you with your mentor?", [], 0),
            (
                "1",
                "I am satisfied. My mentor helped me choose electives and talked with me about "
                "which specialty suits me.",
                ["guidance_on_studies"],
                0,
            ),
            (
                "2",
                "It depends on who you get. Some friends have great mentors; mine just signs the "
                "form.",
                ["meetings_a_formality"],
                0,
            ),
            (
                "3",
                "He made a remark about students from my town in front of the group, and I did "
                "not feel welcome after that.",
                ["felt_judged", "favouritism"],
                0,
            ),
            (
                "4",
                "We have a group chat but nobody answers there. The mentor is never online.",
                ["mentor_hard_to_reach"],
                0,
            ),
            (
                "5",
                "Meetings were on Saturday afternoons, when most of us travel home.",
                ["timetable_clash"],
                0,
            ),
            (
                "6",
                "Nobody explained whether we were supposed to bring problems or just attend.",
                ["unsure_what_to_ask"],
                1,
            ),
            (
                "2",
                "It is a good idea, but right now it is a box to tick.",
                ["meetings_a_formality"],
                0,
            ),
            (M, "Your recommendations?", [], 0),
            ("1", "Keep the mentor the same through all the years.", ["rec_same_mentor"], 0),
            (
                "3",
                "Train mentors to treat every student the same and to keep things confidential.",
                ["rec_train_mentors_mentee"],
                0,
            ),
            (
                "4",
                "A fixed weekly hour when the mentor's door is open would solve most of it.",
                ["rec_contact_channel"],
                1,
            ),
            (
                "5",
                "The college should ask both sides at the end of each year what worked.",
                ["rec_evaluate_mentee"],
                0,
            ),
            (
                "6",
                "Explain the aims in orientation week, with examples of what mentors can help "
                "with.",
                ["rec_clear_aims"],
                0,
            ),
        ],
    ),
    (
        "mentor",
        "5",
        [
            (M, "How satisfied are you with your relationship with your mentees?", [], 0),
            (
                "1",
                "I met my group three times in the year. It is hard to call that a relationship.",
                ["few_meetings"],
                1,
            ),
            (
                "2",
                "Honestly, I enjoyed it. Two of my mentees keep coming back, and I learn from "
                "their questions too.",
                ["rewarding_relationship"],
                1,
            ),
            (
                "3",
                "Out of ten, maybe three turn up. The rest have some excuse every time.",
                ["mentees_absent"],
                1,
            ),
            (
                "4",
                "When they do come, they sit silently and wait for me to finish.",
                ["mentees_passive"],
                0,
            ),
            (
                "5",
                "I am not sure what they expect from me. Academic help, counselling, or just a "
                "signature in the logbook?",
                ["unsure_what_mentees_need", "role_undefined"],
                1,
            ),
            (
                "6",
                "For me it has been rewarding. Seeing a weak student pass the professional exam "
                "made the effort worth it.",
                ["rewarding_relationship"],
                0,
            ),
            (
                "7",
                "I have clinics, ward rounds and lectures; the mentoring hour is always the first "
                "thing to be cancelled.",
                ["no_protected_time", "clinical_workload"],
                1,
            ),
            (
                "8",
                "Nobody told us what exactly the mentor's role is. We got one circular and that "
                "was all.",
                ["role_undefined"],
                0,
            ),
            (M, "Has the program been beneficial for you as a mentor?", [], 0),
            (
                "1",
                "Not really. I give time but get nothing back, not even recognition.",
                ["no_gain_for_mentor"],
                1,
            ),
            (
                "3",
                "It feels one-sided. I prepare, they don't come, and it counts for nothing in my "
                "appraisal.",
                ["no_gain_for_mentor", "mentees_absent"],
                0,
            ),
            (
                "4",
                "I cannot say I gained anything; it has mostly been an extra duty.",
                ["no_gain_for_mentor"],
                0,
            ),
            (
                "5",
                "Between meetings there is no contact at all, so each meeting starts from the "
                "beginning. I would not say it benefited me much.",
                ["contact_lapses", "no_gain_for_mentor"],
                0,
            ),
            (
                "7",
                "No, it has not helped me. There is simply no time to make it meaningful.",
                ["no_gain_for_mentor", "no_protected_time"],
                0,
            ),
            ("8", "Personally I got little out of it so far.", ["no_gain_for_mentor"], 0),
            (
                "2",
                "Even so, the meetings are too far apart to follow up properly.",
                ["few_meetings"],
                0,
            ),
            (
                "6",
                "Scheduling is a nightmare; the students' timetable and ours never match.",
                ["scheduling_conflict"],
                0,
            ),
            (M, "What would you recommend?", [], 0),
            (
                "1",
                "Meet at least once a month, and put it in the official timetable.",
                ["rec_more_meetings"],
                1,
            ),
            (
                "2",
                "Let mentors and students choose each other, at least partly; forced pairs do "
                "not work.",
                ["rec_match_by_choice"],
                0,
            ),
            (
                "3",
                "Keep the same group with the same mentor over the years so the relationship can "
                "grow.",
                ["rec_continuity"],
                0,
            ),
            (
                "4",
                "The administration has to be involved: book rooms, send reminders, follow up on "
                "attendance.",
                ["rec_admin_support"],
                1,
            ),
            (
                "5",
                "One training session was not enough. We need regular guidance on how to mentor.",
                ["rec_mentor_guidance"],
                1,
            ),
            (
                "6",
                "Evaluate the program every year, with feedback from both mentors and mentees.",
                ["rec_evaluate_mentor"],
                0,
            ),
            (
                "7",
                "Protected time in the roster, and an office that follows up, would make it work.",
                ["rec_admin_support"],
                0,
            ),
            (
                "8",
                "Some guidance for new mentors, maybe pairing them with an experienced one.",
                ["rec_mentor_guidance"],
                0,
            ),
        ],
    ),
]

PSEUDONYMS = {"Imran": "[mentor]", "Hina": "[classmate]", "Farah": "[classmate]"}

# How often each coder leaves out a true code or adds a confusable one.
DROP = {"coder_a": 0.07, "coder_b": 0.13}
ADD = {"coder_a": 0.06, "coder_b": 0.10}


def guid(*parts: str) -> str:
    """A stable GUID for the REFI-QDA file, so the output is byte-for-byte reproducible."""
    return str(uuid.uuid5(NAMESPACE, "/".join(parts))).upper()


def code_order() -> list[str]:
    return [code[0] for theme in THEMES for code in theme[6]]


def code_names() -> dict[str, str]:
    return {code[0]: code[1] for theme in THEMES for code in theme[6]}


def codebook_data() -> dict:
    themes = []
    for theme_id, name, component, also, valence, description, codes in THEMES:
        entry = {"id": theme_id, "name": name, "component": component}
        if also:
            entry["also"] = also
        entry["valence"] = valence
        if theme_id in RECOMMENDATION_THEMES:
            entry["kind"] = "recommendation"
        entry["description"] = description
        entry["codes"] = []
        for code in codes:
            item = {"id": code[0], "name": code[1], "definition": code[2]}
            if len(code) > 3:
                item["valence"] = code[3]
            entry["codes"].append(item)
        themes.append(entry)
    return {
        "title": "Mentorship program focus groups (synthetic example)",
        "description": "Themes of the mentee and mentor focus groups, each read through one "
        "CIPP component (reconstructed from the study; synthetic example data).",
        "themes": themes,
    }


def build_units() -> list[dict]:
    """Every unit with its transcript position (positions count in LF-normalised text)."""
    units = []
    for group, session, turns in SESSIONS:
        document = f"FGD{session} {group}s"
        text = ""
        for index, (speaker, words, codes, exemplar) in enumerate(turns, start=1):
            prefix = "Moderator: " if speaker == M else f"P{speaker}: "
            start = len(text) + len(prefix)
            text += prefix + words + "\n"
            units.append(
                {
                    "segment_id": f"F{session}-{index:02d}",
                    "document": document,
                    "group": group,
                    "session": session,
                    "participant": speaker,
                    "text": words,
                    "start": start,
                    "end": start + len(words),
                    "codes": list(codes),
                    "exemplar": bool(exemplar),
                }
            )
        for unit in units:
            if unit["document"] == document:
                unit["transcript"] = text
    return units


def simulate(units: list[dict]) -> dict[str, dict[str, list[str]]]:
    """Each coder's codes per unit: the truth with seeded omissions and confusions."""
    rng = random.Random(SEED)
    order = {code: i for i, code in enumerate(code_order())}
    coded: dict[str, dict[str, list[str]]] = {coder: {} for coder in CODERS}
    for unit in units:
        for coder in CODERS:
            codes = set()
            for code in unit["codes"]:
                if rng.random() >= DROP[coder]:
                    codes.add(code)
                if code in CONFUSE and rng.random() < ADD[coder]:
                    codes.add(rng.choice(CONFUSE[code]))
            coded[coder][unit["segment_id"]] = sorted(codes, key=order.__getitem__)
    return coded


def memo_for(unit: dict, coder: str) -> str:
    if unit["exemplar"] and coder == "coder_a":
        return "exemplar"
    return ""


def segments_csv(units: list[dict], coded: dict[str, dict[str, list[str]]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "segment_id",
            "document",
            "group",
            "session",
            "participant",
            "start",
            "end",
            "text",
            "coder",
            "code",
            "memo",
            "exemplar",
        ]
    )
    for unit in units:
        for coder in CODERS:
            memo = memo_for(unit, coder)
            for code in coded[coder][unit["segment_id"]] or [""]:
                writer.writerow(
                    [
                        unit["segment_id"],
                        unit["document"],
                        unit["group"],
                        unit["session"],
                        "moderator" if unit["participant"] == M else unit["participant"],
                        unit["start"],
                        unit["end"],
                        unit["text"],
                        coder,
                        code,
                        memo,
                        "yes" if memo.startswith("exemplar") else "",
                    ]
                )
    return buffer.getvalue()


def adjudication_csv(units: list[dict], coded: dict[str, dict[str, list[str]]]) -> str:
    order = {code: i for i, code in enumerate(code_order())}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["segment_id", "code", "coder_a", "coder_b", "decision", "adjudicator", "note", "text"]
    )
    for unit in units:
        if unit["participant"] == M:
            continue
        a = set(coded["coder_a"][unit["segment_id"]])
        b = set(coded["coder_b"][unit["segment_id"]])
        for code in sorted(a ^ b, key=order.__getitem__):
            keep = code in unit["codes"]
            note = "fits the definition" if keep else "outside the definition"
            writer.writerow(
                [
                    unit["segment_id"],
                    code,
                    f"coder_a: {'yes' if code in a else 'no'}",
                    f"coder_b: {'yes' if code in b else 'no'}",
                    "include" if keep else "exclude",
                    ADJUDICATOR,
                    note,
                    unit["text"],
                ]
            )
    return buffer.getvalue()


def codes_xml(indent: str) -> str:
    lines = []
    for theme_id, name, _component, _also, _valence, description, codes in THEMES:
        lines.append(
            f'{indent}<Code guid="{guid("theme", theme_id)}" name={quoteattr(name)} '
            'isCodable="false">'
        )
        lines.append(f"{indent}  <Description>{escape(description)}</Description>")
        for code in codes:
            lines.append(
                f'{indent}  <Code guid="{guid("code", code[0])}" '
                f'name={quoteattr(code[1])} isCodable="true">'
            )
            lines.append(f"{indent}    <Description>{escape(code[2])}</Description>")
            lines.append(f"{indent}  </Code>")
        lines.append(f"{indent}</Code>")
    return "\n".join(lines)


def qdc_xml() -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="cipp make_fgd.py">\n'
        "  <Codes>\n" + codes_xml("    ") + "\n  </Codes>\n</CodeBook>\n"
    )


def qde_xml(units: list[dict], coded: dict[str, dict[str, list[str]]]) -> str:
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<Project xmlns="urn:QDA-XML:project:1.0" name="Mentorship focus groups" '
        'origin="cipp make_fgd.py">',
        "  <Users>",
        *(f'    <User guid="{guid("user", c)}" name="{c}"/>' for c in CODERS),
        "  </Users>",
        "  <CodeBook>",
        "    <Codes>",
        codes_xml("      "),
        "    </Codes>",
        "  </CodeBook>",
        "  <Variables>",
        *(
            f'    <Variable guid="{guid("var", v)}" name="{v}" typeOfVariable="Text"/>'
            for v in ("group", "session", "participant")
        ),
        "  </Variables>",
        "  <Cases>",
    ]
    people: dict[tuple[str, str], list[dict]] = {}
    for unit in units:
        people.setdefault((unit["session"], unit["participant"]), []).append(unit)
    for (session, speaker), spoken in people.items():
        name = "moderator" if speaker == M else speaker
        lines.append(
            f'    <Case guid="{guid("case", session, speaker)}" '
            f'name="FGD{session} {"moderator" if speaker == M else "P" + speaker}">'
        )
        values = {"group": spoken[0]["group"], "session": session, "participant": name}
        for variable, value in values.items():
            lines.append(
                f'      <VariableValue><VariableRef targetGUID="{guid("var", variable)}"'
                f"/><TextValue>{escape(value)}</TextValue></VariableValue>"
            )
        for unit in spoken:
            for coder in CODERS:
                lines.append(
                    f'      <SelectionRef targetGUID="{guid("sel", unit["segment_id"], coder)}"/>'
                )
        lines.append("    </Case>")
    lines += ["  </Cases>", "  <Sources>"]
    for group, session, _turns in SESSIONS:
        document = f"FGD{session} {group}s"
        lines.append(
            f'    <TextSource guid="{guid("source", session)}" name="{document}" '
            f'plainTextPath="internal://{guid("source", session)}.txt">'
        )
        for unit in (u for u in units if u["document"] == document):
            for coder in CODERS:
                lines.append(
                    f'      <PlainTextSelection guid="{guid("sel", unit["segment_id"], coder)}" '
                    f'name="{unit["segment_id"]}" startPosition="{unit["start"]}" '
                    f'endPosition="{unit["end"]}" creatingUser="{guid("user", coder)}">'
                )
                memo = memo_for(unit, coder)
                if memo:
                    lines.append(f"        <Description>{escape(memo)}</Description>")
                for code in coded[coder][unit["segment_id"]]:
                    lines.append(
                        f'        <Coding guid="{guid("coding", unit["segment_id"], coder, code)}"'
                        f' creatingUser="{guid("user", coder)}">'
                        f'<CodeRef targetGUID="{guid("code", code)}"/></Coding>'
                    )
                lines.append("      </PlainTextSelection>")
        lines += [
            f'      <VariableValue><VariableRef targetGUID="{guid("var", "group")}"/>'
            f"<TextValue>{group}</TextValue></VariableValue>",
            f'      <VariableValue><VariableRef targetGUID="{guid("var", "session")}"/>'
            f"<TextValue>{session}</TextValue></VariableValue>",
            "    </TextSource>",
        ]
    lines += ["  </Sources>", "</Project>", ""]
    return "\n".join(lines)


def write_qdpx(path: Path, units: list[dict], coded: dict[str, dict[str, list[str]]]) -> None:
    """A zip with project.qde and sources/*.txt (UTF-8 with BOM and CR LF, as Windows
    tools write them; positions count in the BOM-less, LF-normalised text)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        stamp = (2024, 4, 15, 12, 0, 0)
        info = zipfile.ZipInfo("project.qde", date_time=stamp)
        archive.writestr(info, qde_xml(units, coded).encode("utf-8"), zipfile.ZIP_DEFLATED)
        for group, session, _turns in SESSIONS:
            document = f"FGD{session} {group}s"
            transcript = next(u["transcript"] for u in units if u["document"] == document)
            data = ("\ufeff" + transcript.replace("\n", "\r\n")).encode("utf-8")
            info = zipfile.ZipInfo(f"sources/{guid('source', session)}.txt", date_time=stamp)
            archive.writestr(info, data, zipfile.ZIP_DEFLATED)


def main() -> None:
    units = build_units()
    coded = simulate(units)
    header = (
        "# Synthetic example codebook for cipp (see README.md): the study's themes, each\n"
        "# read through one CIPP component. Generated by make_fgd.py; edit that instead.\n"
    )
    (HERE / "codebook.yaml").write_text(
        header + yaml.safe_dump(codebook_data(), sort_keys=False, allow_unicode=True, width=88),
        encoding="utf-8",
    )
    (HERE / "codebook.qdc").write_text(qdc_xml(), encoding="utf-8")
    (HERE / "segments.csv").write_text(segments_csv(units, coded), encoding="utf-8")
    (HERE / "adjudication.csv").write_text(adjudication_csv(units, coded), encoding="utf-8")
    (HERE / "pseudonyms.yaml").write_text(
        "# Invented names that occur in the synthetic transcripts -> their replacements.\n"
        + yaml.safe_dump(PSEUDONYMS, sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    write_qdpx(HERE / "fgd.qdpx", units, coded)
    (HERE / "integration.yaml").write_text(
        "# Synthetic example integration file for `cipp report --integration` (see README.md):\n"
        "# the eight recommendation themes as four recommendations resting on both groups.\n"
        "# Generated by make_fgd.py; edit that instead.\n"
        + yaml.safe_dump(
            {"recommendations": RECOMMENDATIONS}, sort_keys=False, allow_unicode=True, width=88
        ),
        encoding="utf-8",
    )
    spoken = {(u["session"], u["participant"]) for u in units if u["participant"] != M}
    mentees = sum(1 for session, _ in spoken if session != "5")
    print(f"wrote data/fgd: {len(units)} units, {mentees} mentees, {len(spoken) - mentees} mentors")


if __name__ == "__main__":
    main()
