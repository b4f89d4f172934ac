"""Synthetic patients' names for the clinic day: every script and mark a name may carry.

Each group pairs given names with family names of one tradition, so a drawn name reads
like a person's. All invented or common enough to name nobody in particular.
"""

from __future__ import annotations

import random

# (given names, family names) per tradition.
GROUPS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("Maria", "James", "Aroha", "Tom", "Grace"), ("Okafor", "Smith", "Te Rangi", "Brown")),
    (
        ("Zoë", "Siobhán", "Seán", "Éanna"),
        ("O'Brien-Núñez", "Ní Bhriain", "O'Connor", "Mac Giolla"),
    ),
    (
        ("Łukasz", "Zofia", "Jürgen", "Ångström"),
        ("Kowalski", "Wójcik", "Müller-Lüdenscheidt", "Øster"),
    ),
    (("José", "Inês", "François", "Chloé"), ("García-Márquez", "D'Almeida", "Lefèvre", "Núñez")),
    (("Анна", "Дмитрий", "Ольга"), ("Иванова", "Смирнов", "Кузнецова-Орлова")),
    (("Γιώργος", "Ελένη", "Νίκος"), ("Παπαδόπουλος", "Οικονόμου", "Κωνσταντίνου")),
    (("秀英", "伟", "花子", "太郎"), ("王", "李", "佐藤", "高橋")),
    (("민준", "서연"), ("김", "이")),
    (("Ngozi", "Oluwaseun"), ("Adébáyọ̀", "Nwachukwu")),
    (("Hubert",), ("Wolfeschlegelsteinhausenbergerdorff",)),  # very long, as the rule says
)


def draw_name(rng: random.Random) -> tuple[str, str]:
    """A (first, last) pair from one tradition."""
    firsts, lasts = rng.choice(GROUPS)
    return rng.choice(firsts), rng.choice(lasts)
