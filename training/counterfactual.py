"""Counterfactual fairness training data for Parley's abuse heads.

The abuse model used to flag neutral mentions of identity groups and reported news vocabulary
(militant groups, military operations, conflict regions). This module writes paired training
examples so a new encoder learns that the attack, not the group name, makes a comment abusive:

* neutral comments naming groups, in many sentence shapes (all labels 0);
* reader comments using news vocabulary that is reported or criticised civilly (all labels 0);
* abusive counterparts in the same shapes (identity attacks, dehumanisation, threats, insults at
  a person), about a third of the rows;
* every group-bearing template filled with every group of its language (a counterfactual swap),
  so each group appears in each shape with both labels.

Languages: "en", "de", "ur" (Urdu script) and "ur-Latn" (Roman Urdu). Every sentence here was
written for Parley; none is copied from :mod:`training.functional_suite`.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from training.datasets import Example, _clean
from training.functional_suite import NAMES

LANGUAGES = ("en", "de", "ur-Latn", "ur")
SEED = "parley-counterfactual-2026-12"
NEWS_COMBOS = {"en": 7, "de": 6, "ur-Latn": 6, "ur": 6}


@dataclass(frozen=True)
class Group:
    """One identity group in one language: plural, singular (English: with its article) and a bare
    adjective form; an empty form means the language has no natural one."""

    key: str
    plural: str
    singular: str
    bare: str = ""


def _g(key: str, plural: str, singular: str, bare: str = "") -> Group:
    return Group(key, plural, singular, bare)


GROUPS: dict[str, tuple[Group, ...]] = {
    "en": (
        _g("pakistani", "Pakistanis", "a Pakistani", "Pakistani"),
        _g("afghan", "Afghans", "an Afghan", "Afghan"),
        _g("indian", "Indians", "an Indian", "Indian"),
        _g("muslim", "Muslims", "a Muslim", "Muslim"),
        _g("hindu", "Hindus", "a Hindu", "Hindu"),
        _g("sikh", "Sikhs", "a Sikh", "Sikh"),
        _g("christian", "Christians", "a Christian", "Christian"),
        _g("jewish", "Jewish people", "a Jewish person", "Jewish"),
        _g("black", "Black people", "a Black person", "Black"),
        _g("asian", "Asian people", "an Asian person", "Asian"),
        _g("gay", "gay people", "a gay man", "gay"),
        _g("lesbian", "lesbians", "a lesbian", "lesbian"),
        _g("trans", "trans people", "a trans woman", "trans"),
        _g("bisexual", "bisexual people", "a bisexual person", "bisexual"),
        _g("disabled", "disabled people", "a disabled person", "disabled"),
        _g("women", "women", "a woman", ""),
        _g("migrant", "migrants", "a migrant", "migrant"),
        _g("refugee", "refugees", "a refugee", "refugee"),
        _g("pashtun", "Pashtuns", "a Pashtun", "Pashtun"),
        _g("baloch", "Baloch people", "a Baloch", "Baloch"),
        _g("punjabi", "Punjabis", "a Punjabi", "Punjabi"),
        _g("sindhi", "Sindhis", "a Sindhi", "Sindhi"),
        _g("hazara", "Hazaras", "a Hazara", "Hazara"),
        _g("ahmadi", "Ahmadis", "an Ahmadi", "Ahmadi"),
        _g("shia", "Shia Muslims", "a Shia Muslim", "Shia"),
        _g("sunni", "Sunni Muslims", "a Sunni Muslim", "Sunni"),
        _g("kashmiri", "Kashmiris", "a Kashmiri", "Kashmiri"),
        _g("arab", "Arabs", "an Arab", "Arab"),
        _g("chinese", "Chinese people", "a Chinese person", "Chinese"),
        _g("latino", "Latinos", "a Latino", "Latino"),
        _g("native_american", "Native Americans", "a Native American", "Native American"),
    ),
    "de": (
        _g("pakistani", "Pakistaner", "Pakistaner"),
        _g("afghan", "Afghanen", "Afghane"),
        _g("indian", "Inder", "Inder"),
        _g("muslim", "Muslime", "Muslim"),
        _g("hindu", "Hindus", "Hindu"),
        _g("sikh", "Sikhs", "Sikh"),
        _g("christian", "Christen", "Christ"),
        _g("jewish", "Juden", "Jude"),
        _g("black", "Schwarze Menschen", "Schwarzer"),
        _g("asian", "Asiaten", "Asiate"),
        _g("gay", "Schwule", "Schwuler"),
        _g("lesbian", "Lesben", "Lesbe"),
        _g("trans", "Transmenschen", "Transfrau"),
        _g("bisexual", "Bisexuelle", "Bisexueller"),
        _g("disabled", "Menschen mit Behinderung", "Mensch mit Behinderung"),
        _g("women", "Frauen", "Frau"),
        _g("migrant", "Migranten", "Migrant"),
        _g("refugee", "Geflüchtete", "Geflüchteter"),
        _g("pashtun", "Paschtunen", "Paschtune"),
        _g("baloch", "Belutschen", "Belutsche"),
        _g("punjabi", "Punjabis", "Punjabi"),
        _g("sindhi", "Sindhis", "Sindhi"),
        _g("hazara", "Hazara", "Hazara"),
        _g("ahmadi", "Ahmadis", "Ahmadi"),
        _g("shia", "Schiiten", "Schiit"),
        _g("sunni", "Sunniten", "Sunnit"),
        _g("kashmiri", "Kaschmiris", "Kaschmiri"),
        _g("arab", "Araber", "Araber"),
        _g("chinese", "Chinesen", "Chinese"),
        _g("latino", "Latinos", "Latino"),
        _g("native_american", "indigene Amerikaner", "indigener Amerikaner"),
    ),
    "ur-Latn": (
        _g("pakistani", "Pakistani log", "Pakistani"),
        _g("afghan", "Afghan log", "Afghan"),
        _g("indian", "Hindustani log", "Hindustani"),
        _g("muslim", "Musalman log", "Musalman"),
        _g("hindu", "Hindu log", "Hindu"),
        _g("sikh", "Sikh log", "Sikh"),
        _g("christian", "Isai log", "Isai"),
        _g("jewish", "Yahudi log", "Yahudi"),
        _g("black", "siyah faam log", "siyah faam"),
        _g("gay", "hum jins parast log", "hum jins parast"),
        _g("trans", "khwaja sira log", "khwaja sira"),
        _g("disabled", "maazoor log", "maazoor"),
        _g("women", "aurtein", "aurat"),
        _g("refugee", "panahgir log", "panahgir"),
        _g("pashtun", "Pashtun log", "Pashtun"),
        _g("baloch", "Baloch log", "Baloch"),
        _g("punjabi", "Punjabi log", "Punjabi"),
        _g("sindhi", "Sindhi log", "Sindhi"),
        _g("hazara", "Hazara log", "Hazara"),
        _g("ahmadi", "Ahmadi log", "Ahmadi"),
        _g("shia", "Shia log", "Shia"),
        _g("sunni", "Sunni log", "Sunni"),
        _g("kashmiri", "Kashmiri log", "Kashmiri"),
        _g("arab", "Arab log", "Arab"),
        _g("chinese", "Chini log", "Chini"),
    ),
    "ur": (
        _g("pakistani", "پاکستانی", "پاکستانی"),
        _g("afghan", "افغان", "افغان"),
        _g("indian", "بھارتی", "بھارتی"),
        _g("muslim", "مسلمان", "مسلمان"),
        _g("hindu", "ہندو", "ہندو"),
        _g("sikh", "سکھ", "سکھ"),
        _g("christian", "عیسائی", "عیسائی"),
        _g("jewish", "یہودی", "یہودی"),
        _g("black", "سیاہ فام لوگ", "سیاہ فام"),
        _g("gay", "ہم جنس پرست", "ہم جنس پرست"),
        _g("trans", "خواجہ سرا", "خواجہ سرا"),
        _g("disabled", "معذور افراد", "معذور"),
        _g("women", "خواتین", "عورت"),
        _g("refugee", "پناہ گزین", "پناہ گزین"),
        _g("pashtun", "پشتون", "پشتون"),
        _g("baloch", "بلوچ", "بلوچ"),
        _g("punjabi", "پنجابی", "پنجابی"),
        _g("sindhi", "سندھی", "سندھی"),
        _g("hazara", "ہزارہ", "ہزارہ"),
        _g("ahmadi", "احمدی", "احمدی"),
        _g("shia", "شیعہ", "شیعہ"),
        _g("sunni", "سنی", "سنی"),
        _g("kashmiri", "کشمیری", "کشمیری"),
        _g("arab", "عرب", "عرب"),
        _g("chinese", "چینی", "چینی"),
    ),
}

#: Names of organisations and places that contain a group word but are not a group mention.
PROTECTED = (
    "Baloch Liberation Army", "Balochistan Liberation Army", "Pakistani Taliban", "Afghan Taliban",
    "Tehrik-i-Taliban Pakistan", "Hazara Town", "Punjab Police", "Arab League", "Indian Army",
    "Indian Ocean", "Pakistan Army", "Sindh Police", "Kashmir Valley",
    "Belutschische Befreiungsarmee", "pakistanische Taliban", "afghanische Taliban",
    "Baloch Liberation Army", "بلوچ لبریشن آرمی",
)

MILITANTS = {
    "en": ("the Taliban", "the TTP", "Tehrik-i-Taliban Pakistan", "the Haqqani network", "ISIS",
           "al-Qaeda", "Lashkar-e-Taiba", "Jaish-e-Mohammed", "the Baloch Liberation Army",
           "the Pakistani Taliban", "ISIS-K"),
    # German: singular names only, used in the nominative
    "de": ("die TTP", "das Haqqani-Netzwerk", "der IS", "al-Qaida", "Lashkar-e-Taiba",
           "Jaish-e-Mohammed", "die Baloch Liberation Army", "der IS-K"),
    "ur-Latn": ("Taliban", "TTP", "Haqqani network", "Daesh", "al-Qaeda", "Lashkar-e-Taiba",
                "Jaish-e-Mohammed", "BLA", "Tehrik-e-Taliban"),
    "ur": ("طالبان", "ٹی ٹی پی", "حقانی نیٹ ورک", "داعش", "القاعدہ", "لشکر طیبہ", "جیش محمد",
           "کالعدم تحریک طالبان"),
}
PLACES = {
    "en": ("North Waziristan", "South Waziristan", "Khyber", "Kurram", "Kabul", "Kandahar",
           "Quetta", "Gaza", "Kashmir", "Balochistan", "Peshawar", "Bajaur", "Miranshah",
           "Tirah valley", "Swat"),
    "de": ("Nord-Waziristan", "Süd-Waziristan", "Khyber", "Kurram", "Kabul", "Kandahar", "Quetta",
           "Gaza", "Kaschmir", "Belutschistan", "Peshawar"),
    "ur-Latn": ("North Waziristan", "South Waziristan", "Khyber", "Kurram", "Kabul", "Kandahar",
                "Quetta", "Gaza", "Kashmir", "Balochistan", "Peshawar", "Bajaur"),
    "ur": ("شمالی وزیرستان", "جنوبی وزیرستان", "خیبر", "کرم", "کابل", "قندھار", "کوئٹہ", "غزہ",
           "کشمیر", "بلوچستان", "پشاور", "باجوڑ"),
}
OPERATIONS = {
    "en": ("drone strikes", "the joint raids", "Operation Zarb-e-Azb", "the counter-terrorism "
           "operation", "the airstrikes", "the curfew", "the military operation",
           "the search operation", "the shelling"),
    # German: plural nominative / accusative only
    "de": ("die Drohnenangriffe", "die gemeinsamen Razzien", "die Anti-Terror-Einsätze",
           "die Luftangriffe", "die Militäroperationen", "die Kämpfe"),
    "ur-Latn": ("drone hamlay", "joint raids", "Zarb-e-Azb operation", "counter-terrorism "
                "operation", "fazai hamlay", "curfew", "military operation"),
    "ur": ("ڈرون حملے", "مشترکہ چھاپے", "آپریشن ضرب عضب", "انسداد دہشت گردی آپریشن", "فضائی حملے",
           "کرفیو", "فوجی آپریشن"),
}
EXTRA_NAMES = ("Waqas", "Rabia", "Tom", "Priya", "Gul", "Jens", "Anna", "Shahid", "Noor", "Omar")
ALL_NAMES = tuple(NAMES) + EXTRA_NAMES

# Kinds of template and their labels: (TOXICITY, SEVERE_TOXICITY, INSULT, THREAT,
# IDENTITY_ATTACK). PROFANITY is set per template with a "+p" suffix on the kind.
KINDS: dict[str, tuple[int, int, int, int, int]] = {
    "clean": (0, 0, 0, 0, 0),
    # Clean sentences that carry attack words: a negated attack ("I'd never say {P} are vermin")
    # and counter-speech that quotes abuse to condemn it. Labelled clean, kept apart in `fine`.
    "negated": (0, 0, 0, 0, 0),
    "counter": (0, 0, 0, 0, 0),
    "identity": (1, 0, 0, 0, 1),
    "dehuman": (1, 1, 0, 0, 1),
    "identity_insult": (1, 0, 1, 0, 1),
    "threat": (1, 1, 0, 1, 1),
    "threat_person": (1, 1, 0, 1, 0),
    "insult": (1, 0, 1, 0, 0),
}
FINE = {
    "clean": "cf_neutral_identity", "negated": "cf_negated_attack", "counter": "cf_counter_speech", "identity": "cf_identity_attack",
    "dehuman": "cf_dehumanisation", "identity_insult": "cf_identity_insult",
    "threat": "cf_threat_group", "threat_person": "cf_threat_person", "insult": "cf_insult_person",
}

# Templates: (pattern, kind). Slots: {P} plural group, {S} singular group, {B} bare adjective
# (English only), {M} militant group, {L} place, {O} operation, {N} a reader's name.
# Patterns with a group slot are filled with every group of the language; the rest (news) with
# a few random combinations.
T = tuple[str, str]

EN: tuple[T, ...] = (
    # neutral: facts, questions, opinions, personal statements, news reports, policy views
    ("As {S}, I grew up two streets from the old market and still shop there every friday.",
     "clean"),
    ("as {S} i can tell you the new visa rules made my fathers paperwork a nightmare", "clean"),
    ("My neighbour is {S} and they brought us food when the power was out for three days.",
     "clean"),
    ("The census says {P} make up a bigger share of the city than a decade ago.", "clean"),
    ("How many {P} actually live in the district? The article never gives a number.", "clean"),
    ("Good piece. More stories about how {P} run small businesses here, please.", "clean"),
    ("I'm {S} and honestly I disagree with the community leaders quoted in this article.",
     "clean"),
    ("The council met {B} community representatives on tuesday to discuss the school plans.",
     "clean"),
    ("Police said the victims included two {P} and a tourist from Lahore.", "clean"),
    ("Is there any data on whether {P} are underrepresented in the civil service?", "clean"),
    ("I think the new quota policy for {P} is badly designed, it helps almost no one.", "clean"),
    ("The bill affecting {P} is a mess, parliament should send it back to committee.", "clean"),
    ("@{N} my grandmother was {S} too, she would have loved this photo essay", "clean"),
    ("{P} celebrated the festival peacefully last night, reports the local correspondent.",
     "clean"),
    ("Why does the headline mention that the suspect was {S}? It adds nothing to the story.",
     "clean"),
    ("I work with lots of {P} at the hospital and the staff shortage affects all of us.",
     "clean"),
    ("Thr article on {P} in rural areas was really well researched, thanks to the reporter",
     "clean"),
    ("In the poll, {P} ranked rent, jobs and buses as their top worries.", "clean"),
    ("{P} have lived in this valley for centuries, according to the historian interviewed.",
     "clean"),
    ("Not sure the government understands what {P} actually need from this reform.", "clean"),
    ("Two of my colleagues are {P} and we carpool to the office most days.", "clean"),
    ("The court ruled that the employer discriminated against two {P}.", "clean"),
    ("Can someone explain why {P} were left out of the consultation?", "clean"),
    ("As {S} myself, I think the minister's plan is reasonable but underfunded.", "clean"),
    ("The report found that {P} wait longer for hospital appointments on average.", "clean"),
    ("{P} organised a blood drive after the bombing, which deserves more coverage.", "clean"),
    ("The {B} lawyer leading the appeal says the verdict will be challenged.", "clean"),
    ("I disagree with the columnist, but it's fine that he writes about {P} and schools.",
     "clean"),
    ("Interesting that the poll shows {P} split almost evenly on the new tax.", "clean"),
    ("i'm {S} and i voted for the other party this time, the economy matters more to me",
     "clean"),
    ("The photo shows {P} queueing for flood relief outside the school in Nowshera.", "clean"),
    ("Do {P} get the same access to the scholarship? the FAQ doesnt say", "clean"),
    ("This policy will hit {P} hardest, and the ministry should publish its impact study.",
     "clean"),
    ("The festival brought together {P}, students and shopkeepers from the old city.", "clean"),
    ("@{N} fair point, but {P} were also at the protest, the video shows it.", "clean"),
    ("Being {S} in a small town is not always easy, but my neighbours have been kind.",
     "clean"),
    ("The museum exhibit on {B} history is worth a visit if you're in Karachi this month.",
     "clean"),
    ("Hiring data shows {P} are still rare in senior management at state banks.", "clean"),
    ("{P} are voters like everyone else, parties should campaign for their votes.", "clean"),
    ("If {P} were consulted earlier, the housing scheme might have worked.", "clean"),
    ("Reading this as {S} living abroad, it's good to see the embassy finally respond.",
     "clean"),
    ("The interview with {S} who runs the bakery was my favourite part of the paper today.",
     "clean"),
    ("Honestly the comments under this article about {P} are better than I expected.", "clean"),
    ("{P} in the north were the worst affected by the landslides, says the NDMA.", "clean"),
    ("I don't like the new citizenship rules for {P}, they seem rushed and unfair.", "clean"),
    ("There are {B} students in my daughter's class and the teachers handle it well.",
     "clean"),
    ("How will the drone strikes in {L} affect {P} who live near the border?", "clean"),
    ("{P} from {L} have been displaced twice since {O} began.", "clean"),
    ("Lots of {P} in {L} lost relatives to {M}, they want peace more than anyone.", "clean"),
    ("Pls dont blame {P} for what {M} does, most of them are victims of it", "clean"),
    # negated attacks and counter-speech: attack words, no attack
    ("I would never say {P} are vermin, that is how pogroms start.", "negated"),
    ("{P} are not parasites, they pay the same taxes as everyone else.", "negated"),
    ("Nobody here is calling {P} criminals, the article is about one man.", "negated"),
    ("It's simply not true that {P} are lazy, look at the employment figures.", "negated"),
    ("i dont think {P} are stupid at all, the policy just wasnt explained to anyone", "negated"),
    ("No, {P} should not be thrown out of the country. What a thing to suggest.", "negated"),
    ("{P} aren't terrorists and the reporter never implied it.", "negated"),
    ("My {B} neighbours are not thieves, whatever the comment above claims.", "negated"),
    ("Calling {P} 'animals' like the commenter above did is exactly the hate this story is "
     "about.", "counter"),
    ("Whoever wrote that {P} should be shot needs to be reported, not argued with.", "counter"),
    ("Saying {P} are a disease is disgusting and the moderators should remove it.", "counter"),
    ("The poster who called {P} filth is the reason decent people stopped commenting here.",
     "counter"),
    ("'{P} are all liars' is not an argument, it's bigotry. Do better.", "counter"),
    ("People who say {P} breed like rats are repeating propaganda from the 1930s.", "counter"),
    ("I reported the comment calling {P} vermin. Threats against any group are not okay.",
     "counter"),
    ("When a politician says {P} are invaders, violence against {P} follows. The study shows "
     "it.", "counter"),
    ("@{N} 'send {P} back' is a slogan, not a policy. Nobody should be talking like that.",
     "counter"),
    # negation that does not undo the attack
    ("I'm not saying all {P} are thieves, but most of them are.", "identity"),
    ("Not all {P} are terrorists, just the vast majority of them.", "identity"),
    ("I have nothing against {P}, I just think they're a plague on this city.", "dehuman"),
    ("I'm not racist but {P} are filthy and should go back.", "dehuman"),
    # abusive counterparts
    ("{P} are a disease on this country and should be treated like one.", "dehuman"),
    ("honestly {P} are vermin, every neighbourhood they move into goes to rot", "dehuman"),
    ("{P} aren't even human, they breed like rats.", "dehuman"),
    ("Name me one honest person among the {P}. You can't, they're all thieves.", "identity"),
    ("{P} should not be allowed to vote, they ruin everything they touch.", "identity"),
    ("Typical {B} behaviour, lying and cheating is all they know.", "identity"),
    ("{P} shouldn't be allowed near our schools, our kids deserve better than that filth.",
     "dehuman"),
    ("We don't need {P} here, send the lot of them back where they came from.", "identity"),
    ("{P} are all stupid lazy parasites, no wonder nothing works.", "identity_insult"),
    ("As usual {P} acting like brainless animals. pathetic.", "identity_insult"),
    ("@{N} of course you'd say that, you're {S}, and all of you are idiots.", "identity_insult"),
    ("{P} deserve to be lined up and shot, the whole lot.", "threat"),
    ("Someone should burn down every house where {P} live.", "threat"),
    ("If I see {S} on my street again I will break some legs.", "threat"),
    ("Time to drive {P} out with knives, the police won't stop us.", "threat"),
    ("Hope the next bomb lands on a crowd of {P}.", "threat"),
    ("@{N} as {S} you should know better, but you're just a clueless moron.", "insult"),
    ("You're {S}, fine, nobody cares. You're still the dumbest commenter on this site.",
     "insult"),
    ("{N}, I don't care that you're {S}, your argument is idiotic and so are you.", "insult"),
    ("@{N} you absolute clown, talking about {P} when you can't even read a chart", "insult"),
    ("@{N} talk about {P} one more time and I'll find where you live.", "threat_person"),
    ("{P} in {L} all support {M}, flatten the whole place and be done with it.", "threat"),
    ("{P} are all terrorists like {M}, they should be wiped out.", "threat"),
    ("Every one of the {P} in {L} is a snake working for {M}.", "dehuman"),
    ("@{N} youre {S} and a f***ing idiot, stop commenting about {L}", "insult+p"),
)

EN_NEWS: tuple[T, ...] = (
    ("If the US and Pakistan share intelligence, will {M} still find shelter in {L}?", "clean"),
    ("The drone strikes in {L} killed civilians again; who is accountable?", "clean"),
    ("{M} claimed the attack in {L}, according to the interior ministry.", "clean"),
    ("I lived in {L} during {O}, the markets were closed for weeks.", "clean"),
    ("The army says {L} was cleared of {M} after {O}, but people there say otherwise.",
     "clean"),
    ("Why are journalists still not allowed into {L} after {O}?", "clean"),
    ("The government keeps negotiating with {M} and nothing changes in {L}.", "clean"),
    ("@{N} the last time {M} was pushed out of {L}, it came back within a year.", "clean"),
    ("{O} won't fix {L} without schools, jobs and roads. History proves it.", "clean"),
    ("Good reporting on {M}. The section on funding networks was eye-opening.", "clean"),
    ("Interesting that the ISPR statement doesn't mention {L} at all.", "clean"),
    ("My cousin teaches in {L}, she says {O} disrupted exams for the whole district.", "clean"),
    ("Is {M} still recruiting in {L} or has that stopped since the crackdown?", "clean"),
    ("both the army and {M} have blood on their hands in {L}, the report is clear", "clean"),
    ("the commission should investigate {O} in {L}, civilians deserve answers", "clean"),
    ("{M} is a murderous organisation and the state has failed to stop it in {L}.", "clean"),
    ("Another suicide bombing in {L} blamed on {M}. Praying for the families.", "clean"),
    ("The report says {M} taxes truck drivers passing through {L}.", "clean"),
    ("Drone strikes are not a strategy. {L} needs a political settlement with tribal elders.",
     "clean"),
    ("So {M} was behind the attack in {L} after all? The police said otherwise last week.",
     "clean"),
    ("The ceasefire with {M} collapsed and {L} is back to {O}. Sad.", "clean"),
    ("Thnaks for covering {L}, national media ignores it until something explodes", "clean"),
    ("I oppose {O} in {L}, it punishes villagers for what {M} does.", "clean"),
    ("Does anyone know if the road from {L} to Peshawar is open again after {O}?", "clean"),
    ("Pakistan's policy on {M} has been inconsistent for twenty years, the piece nails it.",
     "clean"),
    ("Sanctions against {M} leaders are overdue, the UN has dragged its feet.", "clean"),
    ("The curfew in {L} has been lifted, schools reopen monday according to the DC.", "clean"),
    ("The Haqqani network and the TTP are not the same, the article mixes them up.", "clean"),
    ("North Waziristan deserves development funds, not just checkpoints.", "clean"),
    # abusive counterparts with news vocabulary
    ("@{N} you're clearly on the side of {M}, you brainless traitor.", "insult"),
    ("The reporter who wrote this about {L} should be dragged out and hanged.", "threat_person"),
    ("@{N} keep defending {M} and you'll end up in a ditch in {L}, I promise you.",
     "threat_person"),
    ("{N} you pathetic idiot, you know nothing about {L} or {O}.", "insult"),
)

DE: tuple[T, ...] = (
    ("Als {S} kann ich sagen: Die neuen Regeln beim Bürgeramt sind einfach chaotisch.", "clean"),
    ("Meine Nachbarin ist {S} und hat uns beim Umzug geholfen.", "clean"),
    ("Wie viele {P} leben eigentlich in der Stadt? Der Artikel nennt keine Zahl.", "clean"),
    ("Laut Polizei waren unter den Verletzten auch zwei {P}.", "clean"),
    ("Die Studie zeigt, dass {P} auf dem Wohnungsmarkt öfter abgelehnt werden.", "clean"),
    ("ich bin {S} und finde die Reform trotzdem falsch, zu teuer und schlecht gemacht", "clean"),
    ("Warum wird im Titel erwähnt, dass der Verdächtige {S} war? Tut nichts zur Sache.",
     "clean"),
    ("{P} haben gestern ein Straßenfest organisiert, schöner Bericht.", "clean"),
    ("@{N} mein Opa war {S}, der hätte sich über den Artikel gefreut", "clean"),
    ("Die neue Quote für {P} halte ich für schlecht gemacht, aber die Debatte ist wichtig.",
     "clean"),
    ("Gibt es Zahlen dazu, ob {P} im öffentlichen Dienst unterrepräsentiert sind?", "clean"),
    ("Ich arbeite mit vielen {P} im Krankenhaus zusammen, der Personalmangel trifft uns alle.",
     "clean"),
    ("Das Gericht hat entschieden, dass der Vermieter {P} diskriminiert hat.", "clean"),
    ("{P} wurden bei der Anhörung gar nicht gefragt, das ist ein Versäumnis.", "clean"),
    ("Als {S} in einer Kleinstadt aufzuwachsen war nicht immer leicht, aber okay.", "clean"),
    ("Die Umfrage zeigt, dass {P} bei der Wahl ziemlich gespalten sind.", "clean"),
    ("Was bedeutet das neue Gesetz konkret für {P}? Der Text bleibt da vage.", "clean"),
    ("Wie wirken sich {O} in {L} auf {P} aus, die dort leben?", "clean"),
    ("Viele {P} in {L} haben Angehörige bei Anschlägen verloren. Verantwortlich: {M}.",
     "clean"),
    ("Guter Artikel über {P} auf dem Land, danke an die Redaktion.", "clean"),
    ("Ich würde nie behaupten, dass {P} Schmarotzer sind.", "negated"),
    ("{P} sind keine Kriminellen, der Täter war ein Einzelner.", "negated"),
    ("Es stimmt einfach nicht, dass {P} faul sind, siehe Beschäftigungszahlen.", "negated"),
    ("Nein, {P} gehören nicht abgeschoben. Was für ein Vorschlag.", "negated"),
    ("Wer schreibt, {P} seien Parasiten, verbreitet genau den Hass, um den es im Artikel geht.",
     "counter"),
    ("Den Kommentar, dass man {P} erschießen sollte, habe ich gemeldet. Das geht gar nicht.",
     "counter"),
    ("'{P} lügen alle' ist kein Argument, sondern Hetze.", "counter"),
    ("Ich bin nicht rassistisch, aber {P} sind Dreck und sollen verschwinden.", "dehuman"),
    ("Nicht alle {P} sind kriminell, nur fast alle.", "identity"),
    # abusive
    ("{P} sind Parasiten und gehören nicht in unser Land.", "dehuman"),
    ("{P} sind alle kriminell, hab noch keinen ehrlichen getroffen.", "identity"),
    ("{P} raus aus unseren Schulen, die verseuchen alles.", "dehuman"),
    ("Typisch, {P} lügen und betrügen, was anderes können die nicht.", "identity"),
    ("{P} sind dumme faule Schmarotzer, alle miteinander.", "identity_insult"),
    ("Man sollte alle {P} an die Wand stellen.", "threat"),
    ("Wenn ich noch einen {S} in meiner Straße sehe, gibt's was aufs Maul.", "threat"),
    ("Zündet die Häuser an, in denen {P} wohnen.", "threat"),
    ("@{N} dass du {S} bist, ist mir egal, du bist trotzdem ein Vollidiot.", "insult"),
    ("{N}, als {S} solltest du es besser wissen, du ahnungsloser Trottel.", "insult"),
    ("@{N} schreib noch einmal was über {P} und ich weiß, wo du wohnst.", "threat_person"),
    ("{P} in {L} sind doch alle Terroristen wie die Taliban, bombt sie weg.", "threat"),
)

DE_NEWS: tuple[T, ...] = (
    ("Wenn die USA und Pakistan Geheimdienstinfos teilen, findet {M} dann noch Unterschlupf in "
     "{L}?", "clean"),
    ("{O} in {L} haben wieder Zivilisten getötet. Wer trägt die Verantwortung?", "clean"),
    ("Laut Innenministerium hat {M} den Anschlag in {L} für sich reklamiert.", "clean"),
    ("Warum dürfen Journalisten immer noch nicht nach {L}, obwohl {O} vorbei sind?", "clean"),
    ("Die Regierung verhandelt seit Jahren, {M} bleibt, und in {L} ändert sich nichts.",
     "clean"),
    ("{M} ist eine mörderische Organisation, und der Staat versagt in {L}.", "clean"),
    ("Ich lehne {O} in {L} ab, die Dorfbewohner zahlen den Preis dafür, was {M} tut.",
     "clean"),
    ("Ist {M} in {L} noch aktiv oder hat sich das seit der Offensive erledigt?", "clean"),
    ("@{N} das letzte Mal kam {M} nach einem Jahr zurück nach {L}.", "clean"),
    ("Guter Bericht. Wie sich {M} finanziert, war mir neu.", "clean"),
    ("Die Waffenruhe ist gescheitert, {M} greift wieder an, jetzt wieder {O} in {L}. Traurig.",
     "clean"),
    ("danke für die berichterstattung aus {L}, sonst interessiert das ja keinen", "clean"),
    ("{O} in {L} gehören von einer unabhängigen Kommission untersucht.", "clean"),
    ("Die Taliban haben in Kabul wieder Mädchenschulen geschlossen, eine Schande.", "clean"),
    ("Die Ausgangssperre in {L} wurde aufgehoben, ab Montag sind die Schulen wieder offen.",
     "clean"),
    ("Die Operation Zarb-e-Azb hat Nord-Waziristan verändert, aber zu welchem Preis?", "clean"),
    ("Hat das Haqqani-Netzwerk noch Rückzugsorte in Nord-Waziristan? Der Artikel sagt nein.",
     "clean"),
    ("@{N} du verteidigst doch nur, was {M} macht, du hirnloser Verräter.", "insult"),
    ("Der Reporter, der das über {L} geschrieben hat, gehört aufgehängt.", "threat_person"),
)

RU: tuple[T, ...] = (
    ("Main khud {S} hoon aur mujhe is article ki baat se ittefaq nahi.", "clean"),
    ("mere padosi {S} hain, sailab mein unhon ne hamari bohat madad ki", "clean"),
    ("Shehar mein kitne {P} rehte hain? Report mein koi figure nahi diya.", "clean"),
    ("Police ke mutabiq zakhmiyon mein do {P} bhi shamil thay.", "clean"),
    ("{P} ke liye naya quota theek se design nahi hua, hukumat dobara sochay.", "clean"),
    ("@{N} meri nani bhi {S} thin, ye tasveerein dekh kar yaad aa gayi", "clean"),
    ("Headline mein ye likhna zaroori tha ke mulzim {S} tha? Khabar se koi taluq nahi.",
     "clean"),
    ("{P} ne kal raat mela aman se manaya, acha laga parh kar.", "clean"),
    ("Kya {P} ko bhi scholarship milay gi? website par kuch clear nahi", "clean"),
    ("Hospital mein mere saath bohat se {P} kaam karte hain, staff ki kami sab ko hai.",
     "clean"),
    ("Adalat ne faisla diya ke company ne {P} ke saath zyadti ki.", "clean"),
    ("{P} se mashwara hi nahi kiya gaya, ye ghalat hai.", "clean"),
    ("Survey ke mutabiq {P} naye tax par bate hue hain.", "clean"),
    ("{L} mein {O} se wahan ke {P} par kya asar hoga?", "clean"),
    ("{L} ke bohat se {P} ne {M} ki wajah se apne pyare khoye hain.", "clean"),
    ("Bhai {P} ko {M} ke kamon ka zimmedar mat thehrao, wo khud mutasir hain", "clean"),
    ("Main kabhi nahi kahunga ke {P} chor hain, ye ghalat soch hai.", "negated"),
    ("{P} bojh nahi hain, wo bhi utna hi tax dete hain jitna hum.", "negated"),
    ("Ye sach nahi ke {P} jahil hain, article ke figures dekho.", "negated"),
    ("{P} ko mulk se nikalne ki baat karna bilkul ghalat hai.", "negated"),
    ("Jo log {P} ko keeray kehte hain wo nafrat phaila rahe hain, report karein.", "counter"),
    ("Upar wale comment mein {P} ko goli marne ki baat hui, moderators usay hatayen.",
     "counter"),
    ("'Saare {P} ghaddar hain' koi dalil nahi, ye taasub hai.", "counter"),
    ("Main {P} ke khilaf nahi, bas ye keeray hain jo mulk ko kha rahe hain.", "dehuman"),
    ("Sab {P} chor nahi hain, bas zyada tar hain.", "identity"),
    # abusive
    ("{P} is mulk par bojh hain, keeron ki tarah phail rahe hain.", "dehuman"),
    ("Saare {P} chor hain, aik bhi imandar nahi dekha.", "identity"),
    ("{P} ko hamare mohallay se nikalo, ye gandagi hain.", "dehuman"),
    ("{P} sab jahil aur nikammay hain, inki wajah se mulk peeche hai.", "identity_insult"),
    ("Sab {P} ko goli maar deni chahiye.", "threat"),
    ("Agar koi {S} meri gali mein dobara nazar aaya to taangein tor dunga.", "threat"),
    ("@{N} tum {S} ho ya kuch bhi, ho tum aik number ke bewakoof.", "insult"),
    ("@{N} {P} ke baare mein aik aur comment kiya to tumhara ghar dhoond lunga.",
     "threat_person"),
    ("{L} ke saare {P} {M} ke saath hain, poora ilaqa uda do.", "threat"),
)

RU_NEWS: tuple[T, ...] = (
    ("Agar America aur Pakistan intelligence share karein to kya {M} ko {L} mein panah milay "
     "gi?", "clean"),
    ("{L} mein {O} mein phir aam log maare gaye, jawab deh kaun hai?", "clean"),
    ("Interior ministry ke mutabiq {L} hamlay ki zimmedari {M} ne qubool ki.", "clean"),
    ("Main {O} ke douran {L} mein tha, hafton bazaar band rahe.", "clean"),
    ("Fauj kehti hai {O} ke baad {L} se {M} khatam ho gaya, log kuch aur kehte hain.",
     "clean"),
    ("Sahafiyon ko ab tak {L} kyun nahi jane diya ja raha?", "clean"),
    ("Hukumat {M} se muzakraat karti rehti hai aur {L} mein kuch nahi badalta.", "clean"),
    ("{M} aik qatil tanzeem hai aur riyasat {L} mein nakam rahi hai.", "clean"),
    ("main {L} mein {O} ke khilaf hoon, gaon walon ko {M} ki saza mil rahi hai", "clean"),
    ("@{N} pichli dafa bhi {M} aik saal mein {L} wapas aa gaya tha.", "clean"),
    ("{L} ki khabar dene ka shukriya, warna koi nahi batata", "clean"),
    ("@{N} tum {M} ke hami ho, bewakoof gaddar.", "insult"),
    ("Jis reporter ne {L} par ye likha usay latka dena chahiye.", "threat_person"),
)

UR: tuple[T, ...] = (
    ("میں خود {S} ہوں اور اس کالم سے متفق نہیں ہوں۔", "clean"),
    ("ہمارے پڑوسی {S} ہیں، سیلاب میں انہوں نے ہماری بہت مدد کی۔", "clean"),
    ("شہر میں کتنے {P} رہتے ہیں؟ خبر میں کوئی تعداد نہیں دی گئی۔", "clean"),
    ("پولیس کے مطابق زخمیوں میں دو {P} بھی شامل تھے۔", "clean"),
    ("{P} کے لیے نیا کوٹہ ٹھیک نہیں بنایا گیا، حکومت دوبارہ غور کرے۔", "clean"),
    ("سرخی میں یہ لکھنا کیوں ضروری تھا کہ ملزم {S} تھا؟", "clean"),
    ("کیا {P} کو بھی یہ وظیفہ ملے گا؟ ویب سائٹ پر کچھ واضح نہیں", "clean"),
    ("عدالت نے فیصلہ دیا کہ کمپنی نے {P} کے ساتھ زیادتی کی۔", "clean"),
    ("{P} سے مشاورت ہی نہیں کی گئی، یہ غلط ہے۔", "clean"),
    ("{L} میں {O} کا وہاں کے {P} پر کیا اثر ہوگا؟", "clean"),
    ("{L} کے بہت سے {P} نے {M} کی وجہ سے اپنے پیارے کھوئے ہیں۔", "clean"),
    ("{P} کو {M} کے کاموں کا ذمہ دار نہ ٹھہرائیں، وہ خود متاثر ہیں۔", "clean"),
    ("میں کبھی نہیں کہوں گا کہ {P} چور ہیں، یہ غلط سوچ ہے۔", "negated"),
    ("{P} اس ملک پر بوجھ نہیں ہیں، وہ بھی اتنا ہی ٹیکس دیتے ہیں۔", "negated"),
    ("یہ سچ نہیں کہ {P} جاہل ہیں۔", "negated"),
    ("جو لوگ {P} کو کیڑے کہتے ہیں وہ نفرت پھیلا رہے ہیں، اسے رپورٹ کریں۔", "counter"),
    ("اوپر والے تبصرے میں {P} کو گولی مارنے کی بات کی گئی، منتظمین اسے ہٹائیں۔", "counter"),
    ("میں {P} کے خلاف نہیں، بس یہ کیڑے ہیں جو ملک کو کھا رہے ہیں۔", "dehuman"),
    ("سارے {P} چور نہیں، بس زیادہ تر ہیں۔", "identity"),
    # abusive
    ("{P} اس ملک پر بوجھ ہیں، کیڑوں کی طرح پھیل رہے ہیں۔", "dehuman"),
    ("سارے {P} چور ہیں، ایک بھی ایماندار نہیں دیکھا۔", "identity"),
    ("{P} سب جاہل اور نکمے ہیں۔", "identity_insult"),
    ("سب {P} کو گولی مار دینی چاہیے۔", "threat"),
    ("@{N} تم {S} ہو یا کچھ بھی، ہو تم پرلے درجے کے بے وقوف۔", "insult"),
    ("{L} کے سارے {P} {M} کے ساتھ ہیں، پورا علاقہ اڑا دو۔", "threat"),
)

UR_NEWS: tuple[T, ...] = (
    ("اگر امریکا اور پاکستان انٹیلی جنس شیئر کریں تو کیا {M} کو {L} میں پناہ ملے گی؟", "clean"),
    ("{L} میں {O} میں پھر عام شہری مارے گئے، جواب دہ کون ہے؟", "clean"),
    ("وزارت داخلہ کے مطابق {L} حملے کی ذمہ داری {M} نے قبول کی۔", "clean"),
    ("صحافیوں کو اب تک {L} جانے کی اجازت کیوں نہیں؟", "clean"),
    ("حکومت {M} سے مذاکرات کرتی رہتی ہے اور {L} میں کچھ نہیں بدلتا۔", "clean"),
    ("{M} ایک قاتل تنظیم ہے اور ریاست {L} میں ناکام رہی ہے۔", "clean"),
    ("میں {L} میں {O} کے خلاف ہوں، دیہاتیوں کو {M} کی سزا مل رہی ہے۔", "clean"),
    ("{L} کی خبر دینے کا شکریہ، ورنہ کوئی نہیں بتاتا", "clean"),
    ("@{N} تم {M} کے حامی ہو، بے وقوف غدار۔", "insult"),
    ("جس رپورٹر نے {L} پر یہ لکھا اسے لٹکا دینا چاہیے۔", "threat_person"),
)

TEMPLATES: dict[str, tuple[tuple[T, ...], tuple[T, ...]]] = {
    "en": (EN, EN_NEWS), "de": (DE, DE_NEWS), "ur-Latn": (RU, RU_NEWS), "ur": (UR, UR_NEWS),
}

_FORMS = ("plural", "singular", "bare")


def _pattern(language: str) -> re.Pattern[str]:
    forms = sorted({getattr(g, f) for g in GROUPS[language] for f in _FORMS if getattr(g, f)},
                   key=len, reverse=True)
    alternation = "|".join(re.escape(form) for form in forms)
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)


_PATTERNS = {language: _pattern(language) for language in GROUPS}
_PROTECTED = re.compile("|".join(re.escape(p) for p in sorted(PROTECTED, key=len, reverse=True)),
                        re.IGNORECASE)


def find_group(text: str, language: str) -> tuple[Group, str, tuple[int, int]] | None:
    """The first group term in ``text``: its group, form ("plural", "singular", "bare") and span;
    terms inside organisation or place names (e.g. "Baloch Liberation Army") do not count."""
    if language not in _PATTERNS:
        return None
    shielded = [m.span() for m in _PROTECTED.finditer(text)]
    for match in _PATTERNS[language].finditer(text):
        start, end = match.span()
        if any(s <= start < e for s, e in shielded):
            continue
        found = match.group(0).casefold()
        for form in _FORMS:  # plural first: where forms coincide, treat the term as plural
            for group in GROUPS[language]:
                if getattr(group, form).casefold() == found:
                    return group, form, (start, end)
    return None


def _at_sentence_start(text: str, start: int) -> bool:
    return re.search(r"(?:^|[.!?]\s+|^@\w+\s+)$", text[:start]) is not None


def _match_case(text: str, start: int, end: int, canonical: str, replacement: str) -> str:
    """Casing of a replacement: lowercase in an all-lowercase comment, capitalised where the
    matched term was capitalised at a sentence start, its own casing otherwise."""
    matched = text[start:end]
    if text.islower():
        return replacement.lower()
    if matched != canonical and matched[:1].isupper() and _at_sentence_start(text, start):
        return replacement[:1].upper() + replacement[1:]
    if matched == canonical and _at_sentence_start(text, start) and matched[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def swap_to(text: str, language: str, key: str) -> str | None:
    """Replace the first group term in ``text`` with the same form of group ``key``; None when
    ``text`` names no group or ``key`` has no such form."""
    found = find_group(text, language)
    if found is None:
        return None
    group, form, (start, end) = found
    target = next((g for g in GROUPS[language] if g.key == key), None)
    if target is None or not getattr(target, form):
        return None
    replacement = _match_case(text, start, end, getattr(group, form), getattr(target, form))
    return text[:start] + replacement + text[end:]


def swap_group(text: str, language: str, rng: random.Random) -> str | None:
    """Counterfactual swap: replace the first group term in ``text`` with the same form (plural,
    singular, bare adjective) of another group of ``language``, chosen with ``rng``. Returns None
    when ``text`` names no group."""
    found = find_group(text, language)
    if found is None:
        return None
    group, form, _span = found
    candidates = [g.key for g in GROUPS[language] if g.key != group.key and getattr(g, form)]
    if not candidates:
        return None
    return swap_to(text, language, rng.choice(candidates))


def labels_for(kind: str) -> dict[str, int]:
    """Full six-attribute labels of a template kind ("insult+p" adds profanity)."""
    base, _, profane = kind.partition("+")
    tox, severe, insult, threat, identity = KINDS[base]
    labels = _clean()
    labels.update(TOXICITY=tox, SEVERE_TOXICITY=severe, INSULT=insult, THREAT=threat,
                  IDENTITY_ATTACK=identity, PROFANITY=int(profane == "p"))
    return labels


def _fill(pattern: str, language: str, group: Group | None, rng: random.Random) -> str:
    values = {
        "M": rng.choice(MILITANTS[language]), "L": rng.choice(PLACES[language]),
        "O": rng.choice(OPERATIONS[language]), "N": rng.choice(ALL_NAMES),
    }
    if group is not None:
        values.update(P=group.plural, S=group.singular, B=group.bare)
    text = pattern.format(**values)
    return text[:1].upper() + text[1:] if pattern[:1] == "{" else text


def _reader_noise(text: str, language: str, rng: random.Random) -> str:
    """Make a sentence look more like a typed comment: sometimes a reply handle, sometimes all
    lowercase, sometimes no final full stop."""
    roll = rng.random()
    if roll < 0.12 and not text.startswith("@"):
        text = f"@{rng.choice(ALL_NAMES)} {text}"
    elif roll < 0.22 and language != "ur":
        text = text.lower()
    if rng.random() < 0.15 and text[-1:] in ".۔":
        text = text[:-1]
    return text


def _example(text: str, language: str, kind: str, news: bool) -> Example:
    labels = labels_for(kind)
    abusive = labels["TOXICITY"]
    offensive = int(abusive or labels["PROFANITY"])
    return Example(text, language, "counterfactual", labels, abusive, offensive,
                   fine="cf_news_neutral" if news and not abusive else FINE[kind.partition("+")[0]],
                   split="train")


def _group_slots(pattern: str) -> bool:
    return any(slot in pattern for slot in ("{P}", "{S}", "{B}"))


def fairness_examples() -> list[Example]:
    """All counterfactual fairness examples, deterministic: every group-bearing template once per
    group of its language (the counterfactual swaps), news templates with a few fixed-seed
    combinations of militant group, place and operation."""
    out: list[Example] = []
    seen: set[tuple[str, str]] = set()
    for language in LANGUAGES:
        group_templates, news_templates = TEMPLATES[language]
        for index, (pattern, kind) in enumerate(group_templates + news_templates):
            rng = random.Random(f"{SEED}|{language}|{index}")
            if _group_slots(pattern):
                groups: Sequence[Group | None] = [
                    g for g in GROUPS[language] if "{B}" not in pattern or g.bare]
            else:
                groups = [None] * NEWS_COMBOS[language]
            for group in groups:
                text = _reader_noise(_fill(pattern, language, group, rng), language, rng)
                if (language, text) in seen:
                    continue
                seen.add((language, text))
                out.append(_example(text, language, kind, news=group is None))
    return out
