"""Who says what about whom: hand-written French and English sentences, positive and negative."""

import pytest

from classifier.actors import load_actors
from classifier.analysis import MentionSpan, SentenceResult, TargetResult, find_sources
from classifier.sources import find_attributions, quote_spans, speech_kind, statement_targets


@pytest.fixture(scope="module")
def actors():
    return load_actors()


def pairs(actors, sentence):
    """``[(source, kind, [targets])]`` for one sentence, with the default actors list."""
    mentions = actors.find(sentence)
    return [(a.source, a.kind, [m.actor for m in statement_targets(a, mentions)])
            for a in find_attributions(sentence, mentions)]


@pytest.mark.parametrize("sentence, expected", [
    # reported speech, quotes and their attribution
    ("«Dans le contexte de turbulences croissantes, l'alliance entre Moscou et Pékin reste un important facteur "
     "stabilisant», a déclaré Vladimir Poutine, selon une vidéo diffusée par le Kremlin.",
     [("Vladimir Poutine", "quote", ["Russie", "Chine"])]),
    ('"Iran is a threat," said Donald Trump on Tuesday.', [("Donald Trump", "quote", ["Iran"])]),
    ('"Moscow cannot be trusted," Zelensky said.', [("Volodymyr Zelensky", "quote", ["Russie"])]),
    ("Emmanuel Macron a déclaré : «L'Iran doit cesser l'enrichissement».",
     [("Emmanuel Macron", "quote", ["Iran"])]),
    ("L'Iran ment, a déclaré Emmanuel Macron.", [("Emmanuel Macron", "reported_speech", ["Iran"])]),
    ("Washington a répété ne pas écarter l'option militaire mais dit vouloir trouver un accord avec Téhéran.",
     [("États-Unis", "reported_speech", []), ("États-Unis", "reported_speech", ["Iran"])]),  # two statements
    ("Kremlin said Kyiv had violated the truce.", [("Russie", "reported_speech", ["Ukraine"])]),
    # accusation and praise, with the target as object
    ("Kiev a accusé Moscou de bombarder des civils.", [("Ukraine", "accusation", ["Russie"])]),
    ("Washington accused Tehran of arming the militias.", [("États-Unis", "accusation", ["Iran"])]),
    ("Poutine a salué l'alliance entre Moscou et Pékin.", [("Vladimir Poutine", "praise", ["Russie", "Chine"])]),
    ("Macron praised Kyiv's resilience.", [("Emmanuel Macron", "praise", ["Ukraine"])]),
    ("Poutine a salué Pékin mais a accusé Washington de mentir.",
     [("Vladimir Poutine", "praise", ["Chine"]), ("Vladimir Poutine", "accusation", ["États-Unis"])]),
    ("Emmanuel Macron a félicité l'Ukraine, tandis que la Chine a critiqué les Etats-Unis.",
     [("Emmanuel Macron", "praise", ["Ukraine"]), ("Chine", "accusation", ["États-Unis"])]),
    ("Moscou et Pékin ont salué l'accord conclu avec l'Iran.",
     [("Russie", "praise", ["Iran"]), ("Chine", "praise", ["Iran"])]),
    ("Le président russe Vladimir Poutine a vivement critiqué l'OTAN.",
     [("Vladimir Poutine", "accusation", ["OTAN"])]),
    # passive with an agent
    ("Moscou a été accusé par Kiev de bombarder des civils.", [("Ukraine", "accusation", ["Russie"])]),
    ("Ukraine was praised by the European Union for its reforms.", [("Union européenne", "praise", ["Ukraine"])]),
    # selon / according to
    ("Selon Washington, Téhéran arme les milices.", [("États-Unis", "according_to", ["Iran"])]),
    ("According to the Kremlin, Ukraine shelled Donetsk.", [("Russie", "according_to", ["Ukraine"])]),
    ("L'Iran a livré des drones à la Russie, selon Kiev.", [("Ukraine", "according_to", ["Iran", "Russie"])]),
    # the person addressed is not what the statement is about
    ("Emmanuel Macron told Vladimir Putin that Russia must withdraw.",
     [("Emmanuel Macron", "reported_speech", ["Russie"])]),
])
def test_attributions(actors, sentence, expected):
    assert pairs(actors, sentence) == expected


@pytest.mark.parametrize("sentence", [
    "Pékin n'a jamais condamné la Russie pour son offensive.",  # negated: nobody said anything
    "Moscou accusé de crimes de guerre par l'Ukraine",  # headline participle, no speaker in subject position
    "Moscow accused of war crimes in Ukraine.",
    "«Nous sommes prêts à poursuivre la coordination», a-t-il assuré.",  # pronoun source: not resolved
    "\"We are ready,\" she said of the talks with Iran.",
    "Selon une vidéo diffusée par le Kremlin, Poutine a parlé de l'Ukraine.",  # selon + not an actor
    "Russia's foreign minister said Ukraine had violated the truce.",  # speaker is not a known actor
    "L'ambassadeur de France en Russie a déclaré que l'accord tenait.",  # actors in a complement
    "Xi Jinping avait affiché son entente avec Poutine.",  # no speech verb
    "The sanctions imposed by Washington hit Iran hard.",
    "Its delegates in Gaza, Sudan and Ukraine were praised for their courage.",  # no agent
    "«Washington a accusé Moscou de mentir», a-t-il ajouté.",  # speech inside a quotation is not the article's
    "La Russie a condamné à 15 ans de prison un soldat ukrainien, selon un tribunal.",  # a sentence, not speech
    "L'OM a étrillé l'Ajax Amsterdam 4-0 mardi.",  # sport
])
def test_no_invented_sources(actors, sentence):
    assert pairs(actors, sentence) == []


def test_speech_verbs_and_quotes():
    assert speech_kind("déclaré") == "report" and speech_kind("said") == "report"
    assert speech_kind("accusé") == "accuse" and speech_kind("condemned") == "accuse"
    assert speech_kind("salué") == "praise" and speech_kind("praised") == "praise"
    for noun in ("statement", "porte-parole", "accusation", "a-t-il", "selon", "critique", "déclaration"):
        assert speech_kind(noun) is None, noun
    text = 'Il a dit «oui» puis "non".'
    assert [text[a:b] for a, b in quote_spans(text)] == ["«oui»", '"non"']


def test_sources_in_results_take_the_stance_of_the_target():
    sentence = "Kiev a accusé Moscou de bombarder des civils."
    offset = 100  # sentences carry article offsets
    targets = [
        TargetResult("Ukraine", "neutral", 0.8, {"supportive": 0.1, "neutral": 0.8, "critical": 0.1},
                     [MentionSpan("Kiev", offset, offset + 4)]),
        TargetResult("Russie", "critical", 0.9, {"supportive": 0.05, "neutral": 0.05, "critical": 0.9},
                     [MentionSpan("Moscou", offset + 14, offset + 20)]),
    ]
    [statement] = find_sources([SentenceResult(3, offset, offset + len(sentence), sentence, targets)])
    assert (statement.sentence, statement.source, statement.target, statement.stance) == (3, "Ukraine", "Russie", "critical")
    assert statement.confidence == 0.9 and statement.kind == "accusation" and statement.cue == "accusé"
    assert statement.source_mention == MentionSpan("Kiev", offset, offset + 4)
