from hypothesis import given, settings
from hypothesis import strategies as st

from classifier.segmentation import detect_language, split_sentences, tokenize


def texts(text):
    return [s.text for s in split_sentences(text)]


def test_french_abbreviations_do_not_end_sentences():
    text = "M. Dupont a rencontré Mme Durand mardi. Ils ont parlé du budget."
    assert texts(text) == ["M. Dupont a rencontré Mme Durand mardi.", "Ils ont parlé du budget."]


def test_quotation_with_attribution_stays_one_sentence():
    text = "«Nous sommes prêts à poursuivre.», a-t-il assuré. Le sommet a eu lieu à Pékin."
    assert texts(text) == ["«Nous sommes prêts à poursuivre.», a-t-il assuré.", "Le sommet a eu lieu à Pékin."]


def test_quotation_then_reporting_verb_after_closing_guillemet():
    text = "«L'alliance reste un facteur stabilisant», a déclaré Vladimir Poutine. Fin."
    assert texts(text)[0] == "«L'alliance reste un facteur stabilisant», a déclaré Vladimir Poutine."


def test_numbers_with_decimal_comma_and_points():
    text = "Le pays compte 2,8 millions de réfugiés. Le budget atteint 1.5 milliard de dollars. Fin."
    assert texts(text) == ["Le pays compte 2,8 millions de réfugiés.", "Le budget atteint 1.5 milliard de dollars.", "Fin."]


def test_headlines_without_period_are_sentences():
    text = "Un accord sur l'Ukraine?\n\nDiscussions autour du nucléaire\n\nLe texte reprend ici."
    assert texts(text) == ["Un accord sur l'Ukraine?", "Discussions autour du nucléaire", "Le texte reprend ici."]


def test_english_titles_and_initialisms():
    text = "Sen. Cruz met Mr. Smith in the U.S. capital. They talked."
    assert texts(text) == ["Sen. Cruz met Mr. Smith in the U.S. capital.", "They talked."]


def test_offsets_point_into_the_document():
    text = "  Premier point.  Second point!\nTroisième?  "
    for sentence in split_sentences(text):
        assert text[sentence.start : sentence.end] == sentence.text


def test_tokenize_splits_elision_and_keeps_hyphenated_words():
    tokens = [t for t, _, _ in tokenize("l'Iran d'Ukraine a-t-il aujourd'hui Russia's U.S.")]
    assert tokens == ["l'", "Iran", "d'", "Ukraine", "a-t-il", "aujourd'hui", "Russia", "'s", "U.S."]


def test_detect_language():
    assert detect_language("Le président a déclaré mardi que les négociations sont dans une impasse.") == "fr"
    assert detect_language("The president said on Tuesday that the talks were at an impasse.") == "en"


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_segmentation_never_fails_and_offsets_are_exact(text):
    sentences = split_sentences(text)
    previous_end = 0
    for i, sentence in enumerate(sentences):
        assert sentence.index == i
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text.strip() == sentence.text and sentence.text
        assert sentence.start >= previous_end
        previous_end = sentence.end


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_tokens_are_exact_slices(text):
    for token, start, end in tokenize(text):
        assert text[start:end] == token


def test_punkt_loads_without_nltk_package_and_leaves_nltk_importable():
    """Segmenting imports Punkt alone (not nltk's whole toolkit) and leaves no half-built nltk behind."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from classifier.segmentation import split_sentences\n"
        "assert len(split_sentences('Il est parti. Elle est restée.')) == 2\n"
        "assert not [m for m in sys.modules if m == 'nltk' or m.startswith('nltk.')], 'nltk left in sys.modules'\n"
        "import nltk\n"
        "assert callable(nltk.word_tokenize) and nltk.tokenize.punkt.PunktSentenceTokenizer\n"
        "assert len(split_sentences('One. Two.')) == 2\n"
    )
    nltk_first = "import nltk\nfrom classifier.segmentation import split_sentences\nassert len(split_sentences('Il pleut. Il vente.')) == 2\n"
    for program in (code, nltk_first):
        result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr[-2000:]
