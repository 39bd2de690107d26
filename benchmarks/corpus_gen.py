"""Generate a synthetic news corpus for benchmarks: French and English articles of realistic length.

Articles are composed on the fly from sentence templates (written for this script, not taken from
any publication) and the actors of ``data/actors.json``: about a third of the sentences mention one
or two actors (aliases, metonyms, titles, demonyms), the rest are the usual wire-story filler
(figures, places, attributions). Each article has 300–800 words. Output is deterministic for a seed.

    python benchmarks/corpus_gen.py 10000 -o /tmp/corpus.jsonl          # JSONL records
    python benchmarks/corpus_gen.py 500 -o /tmp/articles --format txt    # a folder of .txt files

Nothing here is committed as data: the benchmark regenerates its corpus at run time.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent

# {a} and {b} are actor surface forms; {n}, {m}, {place}, {day}, {person}, {topic} are filled at random.
ACTOR_TEMPLATES = {
    "fr": [
        "{a} a accusé {b} de saper les efforts de paix, selon un communiqué publié {day}.",
        "{a} a salué {day} la décision de {b}, qualifiée d'« étape importante » pour la région.",
        "Selon {a}, les discussions avec {b} sur {topic} se poursuivront la semaine prochaine à {place}.",
        "{a} a dénoncé les sanctions imposées par {b}, estimant qu'elles visent avant tout la population civile.",
        "Lors d'une conférence de presse à {place}, {person} a affirmé que {a} ne céderait pas aux pressions de {b}.",
        "{a} et {b} ont signé {day} un accord de coopération portant sur {topic}, d'un montant de {n} millions d'euros.",
        "Des diplomates cités par l'agence ont indiqué que {a} envisageait de rappeler son ambassadeur auprès de {b}.",
        "{a} a remercié {b} pour son soutien « constant et sans faille » depuis le début de la crise.",
        "Le porte-parole de {a} a condamné {day} ce qu'il a décrit comme une provocation de {b}.",
        "{a} a rencontré des représentants de {b} en marge du sommet de {place}, sans annonce à l'issue de l'entretien.",
        "D'après un responsable européen, {a} aurait demandé à {b} des garanties sur {topic}.",
        "{a} a félicité {b} pour l'organisation du scrutin, jugé « transparent » par les observateurs.",
        "Les autorités de {a} ont critiqué la lenteur de {b}, qui tarde selon elles à honorer ses engagements.",
        "{a} s'est dit prêt à reprendre le dialogue avec {b} si les conditions posées étaient respectées.",
    ],
    "en": [
        "{a} accused {b} on {day} of undermining the peace effort, according to a statement.",
        "{a} welcomed the decision by {b}, calling it an important step for the region.",
        "According to {a}, talks with {b} on {topic} will resume next week in {place}.",
        "{a} denounced the sanctions imposed by {b}, saying they mainly hurt ordinary people.",
        "Speaking to reporters in {place}, {person} said {a} would not bow to pressure from {b}.",
        "{a} and {b} signed a cooperation agreement on {topic} worth {n} million dollars on {day}.",
        "Diplomats quoted by the agency said {a} was considering recalling its ambassador to {b}.",
        "{a} thanked {b} for its steady support since the start of the crisis.",
        "A spokesperson for {a} condemned what he described as a provocation by {b} on {day}.",
        "{a} met representatives of {b} on the sidelines of the {place} summit, with no announcement afterwards.",
        "A European official said {a} had asked {b} for guarantees on {topic}.",
        "{a} praised {b} for the conduct of the vote, which observers described as transparent.",
        "Officials in {a} criticised {b} for being slow to honour its commitments.",
        "{a} said it was ready to resume dialogue with {b} if its conditions were met.",
    ],
}

SINGLE_TEMPLATES = {
    "fr": [
        "{a} n'a pas souhaité commenter ces informations dans l'immédiat.",
        "La position de {a} sur {topic} reste ambiguë, estiment plusieurs analystes.",
        "{a} a annoncé {day} une hausse de {m} % de son budget consacré à {topic}.",
        "« Nous suivons la situation de très près », a déclaré un conseiller de {a}.",
    ],
    "en": [
        "{a} did not immediately respond to a request for comment.",
        "The position of {a} on {topic} remains unclear, several analysts said.",
        "{a} announced on {day} a {m} percent increase in its budget for {topic}.",
        "\"We are following the situation very closely,\" an adviser to {a} said.",
    ],
}

FILLER_TEMPLATES = {
    "fr": [
        "Le volume des échanges commerciaux a progressé de {m} % sur un an, selon les chiffres publiés {day} par l'office des statistiques.",
        "À {place}, plusieurs centaines de personnes se sont rassemblées devant le siège du gouvernement en fin de matinée.",
        "Les prix de l'énergie ont reculé de {m} % au cours du dernier trimestre, une première depuis deux ans.",
        "{person}, chercheur dans un institut indépendant, estime que la situation pourrait évoluer rapidement dans les prochaines semaines.",
        "Le bilan provisoire fait état de {n} blessés, dont plusieurs dans un état grave, d'après les services de secours.",
        "Les négociations, entamées il y a près de {m} mois, achoppent toujours sur la question du calendrier.",
        "Un nouveau cycle de discussions est prévu à {place} avant la fin du mois, selon une source proche du dossier.",
        "Les marchés ont accueilli la nouvelle avec prudence, l'indice principal terminant la séance en légère baisse.",
        "Selon un sondage publié {day}, {m} % des personnes interrogées se disent inquiètes pour leur pouvoir d'achat.",
        "Le texte doit encore être examiné par le Parlement, où la majorité ne dispose que d'une courte avance.",
        "Sur place, les habitants décrivent des coupures d'électricité fréquentes et des files d'attente devant les magasins.",
        "Le rapport, long de {n} pages, recommande notamment de renforcer les contrôles aux frontières et la coordination entre services.",
        "{person} a rappelé que les précédents accords n'avaient jamais été pleinement appliqués.",
        "L'agence de notation a maintenu sa note inchangée, tout en relevant des risques accrus sur la dette publique.",
    ],
    "en": [
        "Trade volumes rose {m} percent year on year, according to figures released on {day} by the statistics office.",
        "In {place}, several hundred people gathered outside government headquarters in the late morning.",
        "Energy prices fell {m} percent in the last quarter, the first decline in two years.",
        "{person}, a researcher at an independent institute, said the situation could change quickly in the coming weeks.",
        "A provisional toll put the number of injured at {n}, several of them in serious condition, emergency services said.",
        "The negotiations, which began nearly {m} months ago, remain stuck on the question of timing.",
        "A new round of talks is expected in {place} before the end of the month, a source close to the matter said.",
        "Markets reacted cautiously to the news, with the main index closing slightly lower.",
        "A poll published on {day} showed {m} percent of respondents were worried about the cost of living.",
        "The bill still has to go through parliament, where the ruling majority holds only a narrow lead.",
        "Residents describe frequent power cuts and long queues outside shops.",
        "The {n}-page report recommends tighter border checks and better coordination between agencies.",
        "{person} noted that previous agreements had never been fully implemented.",
        "The rating agency kept its grade unchanged while pointing to growing risks on public debt.",
    ],
}

FILL = {
    "fr": {
        "day": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
        "place": ["Genève", "Vienne", "Doha", "Istanbul", "Nairobi", "Oslo", "Bakou", "Singapour", "Madrid"],
        "topic": ["la sécurité énergétique", "le nucléaire civil", "les exportations de céréales", "la cybersécurité",
                  "les droits de douane", "l'aide humanitaire", "le contrôle des armements", "le climat"],
        "person": ["Claire Dumas", "Julien Moreau", "Sophie Laurent", "Karim Benali", "Hélène Garnier", "Marc Lefèvre"],
    },
    "en": {
        "day": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
        "place": ["Geneva", "Vienna", "Doha", "Istanbul", "Nairobi", "Oslo", "Baku", "Singapore", "Madrid"],
        "topic": ["energy security", "civil nuclear power", "grain exports", "cybersecurity", "tariffs",
                  "humanitarian aid", "arms control", "climate policy"],
        "person": ["Sarah Collins", "David Okafor", "Emily Chen", "James Whitaker", "Laura Bennett", "Tom Novak"],
    },
}


def load_surface_forms(actors_path: Path | None = None) -> dict[str, list[str]]:
    """Actor surface forms per language (aliases and demonyms) from ``data/actors.json``."""
    document = json.loads((actors_path or ROOT / "data" / "actors.json").read_text(encoding="utf-8"))
    forms: dict[str, list[str]] = {"fr": [], "en": []}
    for actor in document["actors"]:
        for kind in ("aliases", "demonyms"):
            for lang, items in (actor.get(kind) or {}).items():
                targets = ("fr", "en") if lang == "any" else (lang,)
                for target in targets:
                    if target in forms:
                        forms[target] += [item for item in items if len(item) > 2]
    return forms


# Determiners, so that "{a} a accusé {b}" reads "la Russie a accusé les États-Unis".
_FR_ARTICLES = {
    "le ": ["Kremlin", "Royaume-Uni", "Conseil de sécurité", "Hamas", "Quai d'Orsay", "président russe",
            "chef du Kremlin", "maître du Kremlin", "président chinois", "homologue chinois", "dirigeant chinois",
            "dirigeant nord-coréen", "président ukrainien", "président américain", "président français",
            "chef de l'État", "guide suprême", "Premier ministre israélien"],
    "la ": ["Russie", "Fédération de Russie", "République populaire de Chine", "Chine", "Maison-Blanche",
            "Maison Blanche", "République islamique", "Commission européenne", "France", "Grande-Bretagne",
            "Corée du Nord", "Alliance atlantique"],
    "l'": ["Iran", "Ukraine", "Union européenne", "OTAN", "Otan", "ONU", "Organisation des Nations unies", "Élysée",
           "Elysée", "Allemagne", "État hébreu", "Occident", "administration américaine"],
    "les ": ["États-Unis", "Etats-Unis", "Russes", "Chinois", "Américains", "Iraniens", "Ukrainiens", "Vingt-Sept",
             "Européens", "Nations unies", "Français", "Britanniques", "Allemands", "Israéliens", "Nord-Coréens",
             "Émirats arabes unis", "Emirats arabes unis", "pays occidentaux", "Occidentaux"],
}
_FR_ARTICLE = {form: article for article, forms in _FR_ARTICLES.items() for form in forms}
_FR_CONTRACTIONS = ((" de le ", " du "), (" de les ", " des "), (" à le ", " au "), (" à les ", " aux "))
_EN_THE = {"Kremlin", "Russian Federation", "People's Republic of China", "United States", "U.S.", "USA",
           "White House", "Islamic Republic", "European Union", "European Commission", "Atlantic Alliance", "U.N.",
           "United Nations", "Security Council", "Elysee", "United Kingdom", "U.K.", "UAE", "United Arab Emirates"}
_EN_TITLES = ("President", "president", "leader", "Leader", "counterpart", "Prime Minister", "prime minister")


def _determined(form: str, lang: str) -> str:
    if lang == "fr":
        return _FR_ARTICLE.get(form, "") + form
    if form in _EN_THE or any(title in form for title in _EN_TITLES):
        return "the " + form
    return form


def _sentence(rng: random.Random, template: str, lang: str, forms: list[str]) -> str:
    a, b = (_determined(form, lang) for form in rng.sample(forms, 2))
    values = {key: rng.choice(options) for key, options in FILL[lang].items()}
    sentence = template.format(a=a, b=b, n=rng.randint(2, 950), m=rng.randint(2, 40), **values)
    if lang == "fr":
        for before, after in _FR_CONTRACTIONS:
            sentence = sentence.replace(before, after)
    return sentence[0].upper() + sentence[1:]


def compose_article(rng: random.Random, lang: str, forms: list[str], actor_share: float = 0.35) -> str:
    """One article of 300–800 words: paragraphs of 2–4 sentences, ~``actor_share`` of them with actors."""
    target_words = rng.randint(300, 800)
    paragraphs, words = [], 0
    while words < target_words:
        paragraph = []
        for _ in range(rng.randint(2, 4)):
            roll = rng.random()
            if roll < actor_share * 0.7:
                template = rng.choice(ACTOR_TEMPLATES[lang])
            elif roll < actor_share:
                template = rng.choice(SINGLE_TEMPLATES[lang])
            else:
                template = rng.choice(FILLER_TEMPLATES[lang])
            sentence = _sentence(rng, template, lang, forms)
            paragraph.append(sentence)
            words += len(sentence.split())
        paragraphs.append(" ".join(paragraph))
    return "\n\n".join(paragraphs) + "\n"


def generate(n: int, seed: int = 0, actors_path: Path | None = None) -> Iterator[dict]:
    """``n`` article records ``{"id", "text", "lang", "date", "source"}``, deterministic for ``seed``."""
    forms = load_surface_forms(actors_path)
    rng = random.Random(seed)
    for k in range(n):
        lang = "fr" if rng.random() < 0.5 else "en"
        yield {
            "id": f"gen-{seed}-{k:07d}",
            "text": compose_article(rng, lang, forms[lang]),
            "lang": lang,
            "date": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "source": "synthetic-wire",
        }


def write_corpus(path: Path, n: int, seed: int = 0, fmt: str = "jsonl") -> Path:
    """Write ``n`` generated articles as JSONL (one file) or as a folder of ``.txt`` files."""
    path = Path(path)
    if fmt == "jsonl":
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            for record in generate(n, seed):
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    elif fmt == "txt":
        path.mkdir(parents=True, exist_ok=True)
        for record in generate(n, seed):
            (path / f"{record['id']}.txt").write_text(record["text"], encoding="utf-8")
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("-o", "--out", type=Path, required=True, help="output .jsonl file (or folder with --format txt)")
    parser.add_argument("--format", choices=("jsonl", "txt"), default="jsonl")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    write_corpus(args.out, args.n, args.seed, args.format)
    print(f"wrote {args.n} articles to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
