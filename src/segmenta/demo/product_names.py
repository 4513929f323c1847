"""Product names in the style of the UCI export: uppercase, a motif, a material and a noun.

``SET OF 6 RED RETROSPOT CAKE CASES``, ``WOODEN HEART T-LIGHT HOLDER``, Christmas lines such as
``RED FESTIVE BAUBLE``; a ``{col}`` placeholder in a pattern takes the colour of a variant.
All picks go through one seeded :class:`faker.Faker`, so names are deterministic.
"""

from __future__ import annotations

from faker import Faker

# Word lists for product names.
COLOURS = (
    "WHITE", "RED", "PINK", "BLUE", "GREEN", "IVORY", "CREAM", "BLACK", "SILVER", "GOLD",
    "PURPLE", "ORANGE", "YELLOW", "LIGHT PINK", "BABY BLUE", "PASTEL", "ASSORTED COLOUR",
    "NATURAL", "BROWN", "TURQUOISE", "LILAC", "MINT GREEN", "RED/WHITE", "BLUE/WHITE",
)  # fmt: skip
MOTIFS = (
    "RETROSPOT", "POLKADOT", "VINTAGE", "REGENCY", "PAISLEY", "SPACEBOY", "DOLLY GIRL",
    "WOODLAND", "SKULL", "HEART", "ROSE", "STRAWBERRY", "FLORAL", "BIRD", "BUTTERFLY", "OWL",
    "PANTRY", "VICTORIAN", "BAROQUE", "FAIRY", "JUNGLE", "CIRCUS PARADE", "ENGLISH ROSE",
    "UNION JACK", "LOVE", "PARIS", "APPLE", "RABBIT", "DINOSAUR", "ANTIQUE", "FRENCH",
    "SCANDINAVIAN", "GINGHAM", "ALPHABET", "DOILY", "LEAF", "CHERRY", "ORIENTAL", "MOROCCAN",
    "HEN HOUSE", "SEASIDE", "BICYCLE", "TEA PARTY", "KITCHEN", "GARDEN", "SWALLOW", "CAT",
    "DOG", "STAR", "SPOTTY", "STRIPY", "CHECK", "LACE", "SWEETHEART", "RAINBOW", "COTTAGE",
    "EDWARDIAN", "ART DECO", "RETRO", "ROBOT", "PIRATE", "PRINCESS", "TOADSTOOL", "MOUSE",
    "ELEPHANT",
)  # fmt: skip
MATERIALS = (
    "WOODEN", "CERAMIC", "GLASS", "ENAMEL", "METAL", "ZINC", "TIN", "PAPER", "FELT", "WICKER",
    "FABRIC", "LEATHER", "PORCELAIN", "CRYSTAL", "WIRE", "BAMBOO", "CANVAS", "RUSTIC",
)  # fmt: skip
NOUNS = (
    "T-LIGHT HOLDER", "LANTERN", "CAKESTAND 3 TIER", "LUNCH BAG", "JUMBO BAG", "SHOPPER", "MUG",
    "TEACUP AND SAUCER", "CAKE CASES", "NAPKINS", "BUNTING", "CUSHION COVER", "DOORMAT",
    "PHOTO FRAME", "ALARM CLOCK", "WALL CLOCK", "HOT WATER BOTTLE", "NIGHT LIGHT",
    "WATER BOTTLE", "STORAGE JAR", "TRINKET BOX", "JEWELLERY BOX", "NOTEBOOK", "GIFT WRAP",
    "GIFT TAGS", "WRAPPING PAPER", "PLATE", "BOWL", "BEAKER", "TISSUES", "PURSE", "COAT HANGER",
    "HOOK", "SIGN", "BIRDHOUSE", "PLANTER", "CANDLE", "VOTIVE HOLDER", "MIRROR", "SPOON",
    "TEA TOWEL", "APRON", "OVEN GLOVE", "STICKERS", "RIBBON", "BAG CHARM", "KEY RING", "PEG BAG",
    "LAUNDRY BAG", "WASHBAG", "DRAWER KNOB", "BUTTON BOX", "SEWING KIT", "PARASOL", "UMBRELLA",
    "HAND WARMER", "PICNIC BASKET", "TRAY", "CARD HOLDER", "PENCILS", "CHALKBOARD",
    "MEMO BOARD", "RECIPE BOX", "LUNCH BOX", "SNACK BOX", "PLAYING CARDS", "JIGSAW",
    "BOTTLE OPENER", "MILK JUG", "TEAPOT", "EGG CUP", "DOOR STOP", "STRING OF LIGHTS",
    "WALL ART", "FRIDGE MAGNET", "COASTER", "PLACEMAT", "TABLE RUNNER", "PARTY CUPS",
    "PARTY BAGS", "PAPER PLATES", "STRAWS", "BALLOONS", "CANDLE HOLDER", "FLOWER POT",
    "WATERING CAN", "THERMOMETER", "KITCHEN SCALES", "COOKIE CUTTER", "BAKING SET", "TEA TIN",
    "BISCUIT TIN", "CHOPPING BOARD", "WALL TIDY", "HANGING HEART", "GARLAND", "WREATH", "BELL",
    "DRAWER LINER", "GLASS JAR", "TOTE BAG", "BACKPACK", "POUFFE", "BLANKET", "QUILT",
    "NAPKIN RING", "SALT AND PEPPER POTS", "WINE GLASS", "TUMBLER", "TEA LIGHTS",
)  # fmt: skip
XMAS_WORDS = ("CHRISTMAS", "XMAS", "FESTIVE", "NOEL", "WINTER", "SNOWY")
XMAS_NOUNS = (
    "TREE DECORATION", "BAUBLE", "HANGING STAR", "STOCKING", "ADVENT CALENDAR",
    "PAPER CHAIN KIT", "CRACKERS", "TREE TOPPER", "SNOWFLAKE", "ANGEL", "REINDEER", "SANTA",
    "SLEIGH", "GINGERBREAD MAN", "NATIVITY SET", "FELT TREE", "CANDLE RING", "GIFT BAG",
    "TEA LIGHT GARLAND", "SNOW GLOBE",
)  # fmt: skip


def plural(noun: str) -> str:
    """The English plural of an uppercase noun (``BOX`` -> ``BOXES``, ``TRAY`` -> ``TRAYS``)."""
    if noun.endswith("S"):
        return noun
    if noun.endswith(("X", "CH", "SH")):
        return noun + "ES"
    if noun.endswith("Y") and noun[-2:-1] not in "AEIOU":
        return noun[:-1] + "IES"
    return noun + "S"


def product_pattern(fake: Faker, xmas: bool, with_colour: bool) -> str:
    """An uppercase product name in the style of the export, ``{col}`` left for the colour.

    ``with_colour`` forces a pattern that names the colour (for colour variants).
    """
    pick = fake.random_element
    motif, material, noun = pick(MOTIFS), pick(MATERIALS), pick(NOUNS)
    n = pick((2, 3, 4, 6, 12))
    coloured: tuple[str, ...]
    plain: tuple[str, ...]
    if xmas:
        word, xmas_noun = pick(XMAS_WORDS), pick(XMAS_NOUNS)
        coloured = (
            f"{{col}} {word} {xmas_noun}",
            f"{word} {xmas_noun} {{col}}",
            f"SET OF {n} {{col}} {word} {plural(xmas_noun)}",
            f"{{col}} {word} {noun}",
        )
        plain = (f"{material} {word} {xmas_noun}", f"{word} {motif} {xmas_noun}")
    else:
        pack = pick((6, 10, 12, 20, 24, 36, 60, 72, 100))
        name = fake.first_name_female().upper()
        coloured = (
            f"{{col}} {motif} {noun}",
            f"{noun} {{col}} {motif}",
            f"{{col}} {material} {noun}",
            f"{name} {noun} {{col}}",
            f"SET OF {n} {{col}} {motif} {plural(noun)}",
            f"PACK OF {pack} {motif} {plural(noun)} {{col}}",
        )
        plain = (
            f"{material} {motif} {noun}",
            f"{motif} DESIGN {noun}",
            f"{noun} {motif}",
            f"{name} {noun}",
        )
    return pick(coloured if with_colour else coloured + plain)
