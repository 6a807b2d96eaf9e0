"""Templated functional tests for the abuse heads, in the spirit of HateCheck.

Each template belongs to one category of ML-NOTES "Where weak models fail" (or is a plain
abuse / plain clean control) and is expanded with slot fillers (identity groups, names, insults).
Templates, not cases, are split: the ``augment`` templates may teach the model, the ``measure``
templates only measure it, so a measured case never shares a template with a training one.
All sentences were written for Parley (English, Roman Urdu and Urdu script).
"""

from __future__ import annotations

import hashlib
import itertools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

CATEGORIES = (
    "plain_abuse", "identity_attack", "threat", "obfuscation", "plain_clean", "neutral_identity",
    "negation", "counter_speech", "reclaimed", "profanity_no_attack", "figurative_violence",
    "roman_urdu", "urdu_script",
)

GROUPS_EN = (
    "Muslims", "Hindus", "Christians", "Ahmadis", "Shia Muslims", "Sunni Muslims", "Sikhs", "Jews",
    "Pashtuns", "Punjabis", "Sindhis", "Baloch people", "Mohajirs", "Afghans", "Indians",
    "Pakistanis", "women", "gay people", "trans people", "refugees", "Black people", "immigrants",
    "Catholics", "atheists", "Arabs", "lesbians", "Kashmiris", "Hazaras",
)
GROUP_MEMBER_EN = (
    "a Muslim", "a Hindu", "a Christian", "an Ahmadi", "a Shia Muslim", "a Sunni Muslim", "a Sikh",
    "a Jew", "a Pashtun", "a Punjabi", "a Sindhi", "a Baloch", "a Mohajir", "an Afghan",
    "an Indian", "a Pakistani", "a woman", "a gay man", "a trans woman", "a refugee",
    "a Black man", "an immigrant", "a lesbian", "an atheist", "a Hazara", "a Kashmiri",
)
GROUPS_RU = (
    "Musalman", "Hindu", "Isai", "Ahmadi", "Shia", "Sunni", "Sikh", "Yahudi", "Pashtun", "Punjabi",
    "Sindhi", "Baloch", "Mohajir", "Afghan", "Hindustani", "Pakistani", "aurtein", "khwaja sira",
    "panahgir", "Hazara", "Kashmiri",
)
GROUPS_UR = (
    "مسلمان", "ہندو", "عیسائی", "احمدی", "شیعہ", "سنی", "سکھ", "یہودی", "پشتون", "پنجابی", "سندھی",
    "بلوچ", "مہاجر", "افغان", "بھارتی", "پاکستانی", "خواتین", "خواجہ سرا", "پناہ گزین", "ہزارہ",
)
NAMES = ("Ahmed", "Sarah", "Bilal", "Ayesha", "John", "Fatima", "Imran", "Maria", "Usman",
         "Zainab", "David", "Hina", "Kamran", "Sana")
TARGETS = ("the author", "this journalist", "the minister", "the editor", "that reporter",
           "the columnist", "the mayor", "the commenter above")
INSULTS = ("idiot", "moron", "clown", "loser", "fool", "imbecile", "halfwit", "lowlife",
           "disgrace", "hypocrite", "liar", "coward")
INSULT_ADJ = ("stupid", "pathetic", "brainless", "worthless", "clueless", "ignorant",
              "disgusting", "useless", "dumb")
OBFUSCATED = ("1d10t", "m0r0n", "st*pid clown", "i.d.i.o.t", "l0s3r", "stuuupid fool", "id!ot",
              "cl0wn", "m o r o n", "iiidiot", "dumbb4ss", "imb3cile", "l-o-s-e-r")
OBFUSCATED_PROFANE = ("f*cking idiot", "fcking moron", "a$$hole", "b!tch", "sh1thead",
                      "f u c k i n g loser", "phuking clown", "@sshole", "d1ckhead")
PROFANE_INTERJ = ("Damn", "Holy shit", "Fuck yes", "Bloody hell", "Shit", "Hell yeah", "Goddamn",
                  "Fucking hell", "Damn it")
EVENTS = ("what a goal", "that save was unreal", "we finally won the series", "this heat is brutal",
          "the last over was insane", "I missed the bus again", "the traffic today",
          "what a comeback by the team", "the power went out again")
TOPICS = ("flood relief", "fuel prices", "cricket final", "new metro line", "school reforms",
          "election results", "water shortage", "budget", "polio campaign", "train timetable")
INSULTS_RU = ("bewakoof", "jahil", "gadha", "kamina", "besharam", "ghatiya insaan", "nalayak",
              "munafiq", "pagal", "ullu ka patha", "badtameez", "zaleel")
INSULTS_UR = ("بے وقوف", "جاہل", "گدھا", "کمینہ", "بے شرم", "گھٹیا انسان", "نالائق", "منافق",
              "پاگل", "ذلیل")
TOPICS_RU = ("mehngai", "bijli ke bill", "pani ki kami", "cricket match", "imtihanat",
             "metro bus", "sehat card", "baarish")
TOPICS_UR = ("مہنگائی", "بجلی کے بل", "پانی کی کمی", "کرکٹ میچ", "امتحانات", "میٹرو بس", "بارش")

SLOTS: dict[str, Sequence[str]] = {
    "group": GROUPS_EN, "member": GROUP_MEMBER_EN, "group_ru": GROUPS_RU, "group_ur": GROUPS_UR,
    "name": NAMES, "target": TARGETS, "insult": INSULTS, "adj": INSULT_ADJ, "obf": OBFUSCATED,
    "obfp": OBFUSCATED_PROFANE, "interj": PROFANE_INTERJ, "event": EVENTS, "topic": TOPICS,
    "insult_ru": INSULTS_RU, "insult_ur": INSULTS_UR, "topic_ru": TOPICS_RU, "topic_ur": TOPICS_UR,
}


@dataclass(frozen=True)
class Template:
    """A sentence pattern with slots in braces and the labels every expansion shares."""

    category: str
    pattern: str
    abusive: bool
    profanity: bool | None = None
    kind: str | None = None  # "insult", "threat", "identity", "severe": which head it teaches
    language: str = "en"
    split: str = "augment"


@dataclass(frozen=True)
class Case:
    """One functional test: text, expected abusive yes/no, expected profanity where relevant."""

    text: str
    abusive: bool
    profanity: bool | None
    category: str
    language: str
    template_id: str
    kind: str | None
    split: str


def _t(category: str, language: str, abusive: bool, augment: Sequence[str], measure: Sequence[str],
       *, profanity: bool | None = None, kind: str | None = None) -> list[Template]:
    return [Template(category, p, abusive, profanity, kind, language, split)
            for split, patterns in (("augment", augment), ("measure", measure)) for p in patterns]


TEMPLATES: list[Template] = [
    # --- plain abuse: insults aimed at a person --------------------------------------------------
    *_t("plain_abuse", "en", True, kind="insult", profanity=False, augment=[
        "You are a {adj} {insult}.",
        "{name}, you absolute {insult}.",
        "Only a {adj} {insult} would write an article like this.",
        "Shut up, {name}. Nobody cares what a {insult} like you thinks.",
        "{target} is a {adj} {insult} and should stop writing.",
        "Go back to school, you {adj} {insult}.",
    ], measure=[
        "What a {adj} {insult} {target} is.",
        "Honestly {name}, you are the biggest {insult} on this site.",
        "Every word you write proves you are a {insult}.",
        "People like you are {adj}, {name}. Log off.",
        "{target} has the brain of a {adj} {insult}.",
    ]),
    *_t("plain_abuse", "en", True, kind="insult", profanity=True, augment=[
        "You fucking {insult}, read the article before you comment.",
        "{target} is a total shithead.",
    ], measure=[
        "Shut your mouth, you goddamn {insult}.",
    ]),
    # --- identity attacks ------------------------------------------------------------------------
    *_t("identity_attack", "en", True, kind="identity", profanity=False, augment=[
        "{group} are vermin and should be driven out of this country.",
        "All {group} are liars and thieves.",
        "Send every one of the {group} back where they came from.",
        "{group} are a disease on this society.",
        "Typical {group}, always whining and lying.",
        "{group} should not be allowed to vote or hold jobs.",
        "I would never hire {group}, they are lazy parasites.",
        "{group} are subhuman and everyone knows it.",
        "Our streets were safe before the {group} came. Throw them out.",
        "Wipe the {group} off the map and the problems end.",
        "{group} breed like rats and steal our jobs.",
        "No {group} should ever be allowed near our children.",
        "The only good thing about {group} is when they leave.",
        "{group} are cockroaches, nothing more.",
        "{group} have no right to live among decent people.",
        "{group} deserve nothing, not even basic dignity.",
        "Life here was better before {group} showed up.",
    ], measure=[
        "{group} are animals and do not deserve rights.",
        "This country would be better off without {group}.",
        "Never trust {group}, they are all traitors.",
        "{group} are filth, every single one of them.",
        "Keep {group} out of our neighbourhood, they ruin everything.",
    ]),
    # --- threats without profanity ---------------------------------------------------------------
    *_t("threat", "en", True, kind="threat", profanity=False, augment=[
        "I know where you live, {name}, and I am coming for you.",
        "Keep writing this and you will end up in a ditch, {name}.",
        "{name}, watch your back when you leave the office tonight.",
        "I hope someone burns your house down, {name}.",
        "We will visit your family soon, {name}. Count on it.",
        "Someone should put a bullet in {target}'s head.",
        "{group} should all be shot.",
        "Say that again, {name}, and it will be the last thing you ever say.",
        "Your days are numbered, {name}.",
        "Enjoy your last week alive, {name}.",
        "I'll be waiting outside your house tonight, {name}.",
        "We know which school your kids go to, {name}.",
        "{target} will not live to see the next election, I promise.",
        "Someone is going to put {target} in the ground soon.",
        "Keep talking, {name}, and you'll disappear like the others.",
        "Publish that story and your car will be on fire by morning, {name}.",
        "I am going to hurt you so badly you will beg, {name}.",
        "Next time I see you, {name}, you are going to the hospital.",
        "Men like {target} end up with a knife in the back.",
        "Watch what happens to your children if you keep this up, {name}.",
        "You'll be found in a ditch, {name}, mark my words.",
        "Someone ought to stab {target} and end this.",
        "I will make sure you never walk again, {name}.",
    ], measure=[
        "I will find you and make you pay for this, {name}.",
        "{target} deserves to be hanged in public.",
        "You won't be breathing by next week, {name}.",
        "One more article like this and I will break your legs, {name}.",
        "Somebody needs to kill {target} before the election.",
    ]),
    # --- obfuscated abuse ------------------------------------------------------------------------
    *_t("obfuscation", "en", True, kind="insult", profanity=False, augment=[
        "You are a {obf}.",
        "{target} is such a {obf}.",
        "Only a {obf} believes this, {name}.",
    ], measure=[
        "What a {obf} you are, {name}.",
        "Nobody asked you, {obf}.",
    ]),
    *_t("obfuscation", "en", True, kind="insult", profanity=True, augment=[
        "Shut up, you {obfp}.",
        "{target} is a {obfp}.",
    ], measure=[
        "{name}, you are a complete {obfp}.",
    ]),
    # --- plain clean controls --------------------------------------------------------------------
    *_t("plain_clean", "en", False, profanity=False, augment=[
        "Thanks for the thorough report on the {topic}.",
        "I disagree with the minister on the {topic}, but the article is balanced.",
        "Does anyone know when the next update on the {topic} comes out?",
        "Great analysis of the {topic}, more of this please.",
        "{name}, I see your point about the {topic}, but the figures say otherwise.",
    ], measure=[
        "Good article on the {topic}; the numbers really help.",
        "Could the editor add sources for the {topic} figures?",
        "My family has been waiting for news on the {topic} for weeks.",
        "I think {target} is wrong about the {topic}, and here is why.",
    ]),
    # --- neutral identity mentions ---------------------------------------------------------------
    *_t("neutral_identity", "en", False, profanity=False, augment=[
        "My neighbours are {group} and they invited us for dinner.",
        "Many {group} live in Karachi and work in the port.",
        "The report interviewed {group} about rising prices.",
        "I am {member} and I agree with this article.",
        "As {member}, I welcome the new library.",
        "{group} have the same rights as every other citizen.",
        "The festival was organised by {group} and everyone was welcome.",
        "{group} make up a large part of the city's teachers.",
        "A group of {group} met the minister to discuss the {topic}.",
        "I grew up among {group} and learned a lot from them.",
        "The article quotes several {group} who lost their homes.",
        "I'm {member}, and the {topic} affects my family too.",
    ], measure=[
        "I am {member}.",
        "The survey asked {group} how they feel about the new law.",
        "As {member}, I have lived in this city for twenty years.",
        "{group} in our town held a charity drive for flood victims.",
        "My best friend is {member} and we play cricket every Sunday.",
    ]),
    # --- negation --------------------------------------------------------------------------------
    *_t("negation", "en", False, profanity=False, augment=[
        "This is not {adj} at all.",
        "{name} is not a {insult}, just misinformed.",
        "Nobody here is a {insult}; we simply disagree.",
        "Your point isn't {adj}, it is actually quite good.",
        "Don't call {name} a {insult}; that is unfair.",
        "It would be wrong to say {group} are {adj}.",
        "Nobody thinks you are {adj}, {name}, relax.",
        "I never said {target} was a {insult}.",
        "Calling {name} {adj} would be silly; the argument is solid.",
        "{group} are not {adj}, and the data shows it.",
        "Far from {adj}, this was the best piece on the topic.",
        "It is simply false that {group} are {adj}.",
        "Stop the stereotype: {group} are not {adj} people.",
        "I refuse to believe {name} is a {insult}; the record says otherwise.",
    ], measure=[
        "I would never call you a {insult}, {name}.",
        "{target} is not {adj}; the article is well argued.",
        "No one should think {group} are {adj}.",
        "You are not a {insult} for asking this question, {name}.",
    ]),
    # --- counter-speech and quoting abuse to condemn it ------------------------------------------
    *_t("counter_speech", "en", False, augment=[
        "Calling {group} 'vermin' is disgusting and has no place here.",
        "Someone in the comments called {name} a {insult}; that is not okay.",
        "Stop saying {group} are terrorists. It is false and hurtful.",
        "The minister said {group} are 'animals'. That language is dehumanising.",
        "Saying 'send the {group} back' is racist, full stop.",
        "Claiming that {group} are criminals is bigotry and we should say so.",
        "The post that said {group} are rats has been reported to the moderators.",
        "When people write that {group} are vermin, they are spreading hate.",
        "Labelling {name} a {insult} is a personal attack; please stick to the argument.",
        "He shouted '{group} out' at the rally, which is disgraceful.",
        "The leaflet described {group} as a plague. That is exactly how pogroms start.",
        "Please stop calling {group} animals, it is dehumanising.",
    ], measure=[
        "My neighbour was told '{group} go home' and it broke my heart.",
        "Writing that {group} are parasites is hate speech and should be reported.",
        "If you call {name} a {insult} just for disagreeing, you have lost the argument.",
        "I am tired of people calling {group} thieves; it is a lie.",
    ]),
    # --- reclaimed words -------------------------------------------------------------------------
    *_t("reclaimed", "en", False, augment=[
        "As a queer woman, I am proud to call myself queer.",
        "Us nerds finally got a science section, thank you.",
        "I'm a total geek about trains and loved this piece.",
        "Proud hillbilly here, and this article gets rural life right.",
        "We queers have marched in this city for thirty years.",
        "Fat and happy here; I call myself fat and it is just a word.",
    ], measure=[
        "As a gay man I say queer proudly; it is our word now.",
        "Old crip here: the ramps at the stadium are still missing.",
        "My friends and I call ourselves the desi weirdos and we loved this.",
        "Speaking as a proud nerd, the data section was excellent.",
        "I'm a queer Muslim and this story made me feel seen.",
    ]),
    # --- profanity that attacks no one -----------------------------------------------------------
    *_t("profanity_no_attack", "en", False, profanity=True, augment=[
        "{interj}, {event}!",
        "{interj}. {event}.",
        "This fucking heat is unbearable today.",
        "That was a damn good article, thanks.",
        "What the hell happened in the second half?",
        "Crap, the {topic} report is late again.",
        "Damn, the {topic} numbers are grim.",
        "Shit, that is a lot of money for the {topic}.",
        "This {topic} mess is fucking ridiculous.",
        "Holy shit, I did not expect the {topic} to pass.",
    ], measure=[
        "{event}... {interj}!",
        "Shit, I forgot to vote today.",
        "Bloody brilliant reporting on the {topic}.",
        "Holy crap, the {topic} numbers are worse than I thought.",
    ]),
    # --- figurative violence ---------------------------------------------------------------------
    *_t("figurative_violence", "en", False, profanity=False, augment=[
        "Let's kill the bill in parliament next week.",
        "The striker absolutely killed it tonight.",
        "This traffic is killing me.",
        "I could murder a plate of biryani right now.",
        "The opposition will destroy this budget in the debate.",
        "Shoot me an email if you want the {topic} data.",
        "The bowlers were slaughtered on that flat pitch.",
        "I'm dying to read the next part on the {topic}.",
        "Prices are murdering my budget this month.",
        "They will bury the {topic} report in committee.",
        "The {topic} plan got torpedoed by the senate.",
    ], measure=[
        "The comedian slayed; I was dying of laughter.",
        "That final over was a massacre for the bowlers.",
        "The new {topic} policy is dead on arrival.",
        "Our team crushed them three nil, what a night.",
        "Honestly the {topic} coverage is killing it this week.",
    ]),
    # --- Roman Urdu ------------------------------------------------------------------------------
    *_t("roman_urdu", "ur-Latn", True, kind="insult", augment=[
        "tum bohat {insult_ru} ho",
        "{name} tu {insult_ru} hai, chup kar",
        "ye writer {insult_ru} hai, isko kuch nahi pata",
        "abay {insult_ru}, pehle khabar parh phir bol",
    ], measure=[
        "{name} jaisa {insult_ru} maine aaj tak nahi dekha",
        "chal nikal {insult_ru}, teri baat koi nahi sunta",
        "ye anchor poora {insult_ru} hai",
    ]),
    *_t("roman_urdu", "ur-Latn", True, kind="threat", augment=[
        "{name} tujhe jaan se maar dunga",
        "ghar se bahar nikal phir dekh lunga tujhe {name}",
        "{name} teri laash milegi nehar mein",
        "tera gala kaat denge {name}",
        "{name} apne din gin le, zyada waqt nahi hai tere paas",
        "goli maar denge tujhe {name} agar phir likha",
        "tera haath tod dunga {name}, phir likhna",
        "{name} tujhe chorunga nahi, yaad rakh",
        "teri haddiyan tod denge {name}",
    ], measure=[
        "teri tangein tod dunga {name}, yaad rakhna",
        "zinda nahi chorenge tumhe, {name}",
    ]),
    *_t("roman_urdu", "ur-Latn", True, kind="identity", augment=[
        "{group_ru} sab gaddar hain, inko mulk se nikal do",
        "ye {group_ru} keeray makoray hain",
        "{group_ru} sab kafir hain, inka bycott karo",
        "{group_ru} ko khatam karo is mulk se",
        "saare {group_ru} dhokebaaz aur chor hain",
    ], measure=[
        "{group_ru} par lanat ho, sab chor hain",
        "{group_ru} ko is mulk mein rehne ka koi haq nahi",
    ]),
    *_t("roman_urdu", "ur-Latn", False, profanity=False, augment=[
        "bohat achi report hai, shukriya",
        "{topic_ru} par mazeed khabrein dein please",
        "{name} bhai aap ki baat theek hai",
        "mere padosi {group_ru} hain aur bohat achay log hain",
        "tum bewakoof nahi ho, bas ghalat fehmi hai",
        "hukumat ko {topic_ru} ka masla hal karna chahiye",
        "{group_ru} ke haqooq ki hifazat zaroori hai",
        "hamare mohallay mein {group_ru} aur baqi sab mil kar rehte hain",
        "{name} ko {insult_ru} kehna theek nahi, unki baat mein wazan hai",
        "koi bhi {group_ru} ko bura na kahe, sab insaan hain",
        "{topic_ru} ki wajah se log pareshan hain",
        "kal {topic_ru} par acha program tha",
        "{group_ru} log bhi hamaray bhai behan hain",
        "{group_ru} community ne mohallay mein naya school banaya",
        "eid aur tehwaron par {group_ru} dost bhi mubarakbad dete hain",
        "mera dost {group_ru} hai aur hum saath cricket khelte hain",
        "{group_ru} ke baray mein ye report bohat maloomati thi",
        "{group_ru} bhi {topic_ru} se pareshan hain",
    ], measure=[
        "aaj {topic_ru} ki khabar parh kar afsos hua",
        "{group_ru} bhi is mulk ke barabar shehri hain",
        "main ye nahi keh raha ke {name} jahil hai, bas ghalat hai",
        "shukriya {name}, {topic_ru} par itni achi tehreer ke liye",
        "match ne to aaj jaan hi nikal di, kya zabardast khel tha",
    ]),
    # --- Urdu script -----------------------------------------------------------------------------
    *_t("urdu_script", "ur", True, kind="insult", augment=[
        "تم بہت {insult_ur} ہو",
        "یہ لکھنے والا {insult_ur} ہے",
    ], measure=[
        "تم جیسا {insult_ur} میں نے آج تک نہیں دیکھا",
        "چپ کرو {insult_ur}، تمہاری بات کوئی نہیں سنتا",
    ]),
    *_t("urdu_script", "ur", True, kind="threat", augment=[
        "میں تمہیں جان سے مار دوں گا",
        "گھر سے باہر نکلو پھر دیکھ لوں گا تمہیں",
        "{group_ur} کو زندہ نہیں چھوڑیں گے",
        "تمہاری لاش نہر میں ملے گی",
        "اپنے دن گن لو، زیادہ وقت نہیں ہے تمہارے پاس",
    ], measure=[
        "تمہاری ٹانگیں توڑ دوں گا، یاد رکھنا",
        "تمہارا گلا کاٹ دیں گے",
    ]),
    *_t("urdu_script", "ur", True, kind="identity", augment=[
        "سارے {group_ur} غدار ہیں، انہیں ملک سے نکال دو",
        "{group_ur} کیڑے مکوڑے ہیں",
        "{group_ur} کو اس ملک میں رہنے کا کوئی حق نہیں",
    ], measure=[
        "{group_ur} پر لعنت ہو، سب چور ہیں",
    ]),
    *_t("urdu_script", "ur", False, profanity=False, augment=[
        "بہت اچھی رپورٹ ہے، شکریہ",
        "{topic_ur} پر مزید خبریں دیں",
        "میرے پڑوسی {group_ur} ہیں اور بہت اچھے لوگ ہیں",
        "حکومت کو {topic_ur} کا مسئلہ حل کرنا چاہیے",
        "تم بے وقوف نہیں ہو، بس غلط فہمی ہے",
        "{group_ur} ہمارے معاشرے کا حصہ ہیں",
        "ہمارے محلے میں {group_ur} اور باقی سب مل کر رہتے ہیں",
        "{topic_ur} کی وجہ سے لوگ پریشان ہیں",
        "کل {topic_ur} پر اچھا پروگرام تھا",
        "اس خبر پر افسوس ہوا، اللہ رحم کرے",
        "بہت شکریہ، آپ نے {topic_ur} پر اچھا لکھا",
        "یہ خبر پڑھ کر دل دکھی ہوا",
        "{group_ur} کے حقوق کا تحفظ ضروری ہے",
        "{group_ur} بھی ہمارے بھائی بہن ہیں",
        "میرا دوست {group_ur} ہے اور ہم ساتھ کرکٹ کھیلتے ہیں",
        "{group_ur} برادری نے محلے میں نیا اسکول بنایا",
        "{group_ur} کے بارے میں یہ رپورٹ بہت معلوماتی تھی",
        "{group_ur} بھی {topic_ur} سے پریشان ہیں",
    ], measure=[
        "آج {topic_ur} کی خبر پڑھ کر افسوس ہوا",
        "{group_ur} بھی اس ملک کے برابر شہری ہیں",
        "اس تحریر کا بہت شکریہ، {topic_ur} پر اچھی معلومات ملیں",
        "میں یہ نہیں کہہ رہا کہ وہ جاہل ہے، بس اس کی بات غلط ہے",
    ]),
]


def template_id(template: Template) -> str:
    """A stable short id for a template (its category and pattern)."""
    return hashlib.sha1(f"{template.category}|{template.pattern}".encode()).hexdigest()[:10]


def _slots(pattern: str) -> list[str]:
    import string

    return [name for _, name, _, _ in string.Formatter().parse(pattern) if name]


def expand(template: Template, *, limit: int, seed: int = 0) -> list[Case]:
    """Fill ``template``'s slots with up to ``limit`` distinct, deterministically chosen fillers."""
    names = sorted(set(_slots(template.pattern)))
    tid = template_id(template)
    if not names:
        combos: list[tuple[str, ...]] = [()]
    else:
        combos = list(itertools.product(*(SLOTS[name] for name in names)))
    rng = random.Random(f"{seed}|{tid}")
    rng.shuffle(combos)
    cases = []
    for combo in combos[:limit]:
        text = template.pattern.format(**dict(zip(names, combo, strict=True)))
        text = text[0].upper() + text[1:] if template.language == "en" else text
        cases.append(Case(text, template.abusive, template.profanity, template.category,
                          template.language, tid, template.kind, template.split))
    return cases


def cases(split: str, *, per_template: int | None = None, seed: int = 0) -> list[Case]:
    """All cases of one split: ``measure`` (held out, a few per template) or ``augment``."""
    if split not in ("augment", "measure"):
        raise ValueError(f"split must be 'augment' or 'measure', not {split!r}")
    limit = per_template or (6 if split == "measure" else 40)
    return [case for template in TEMPLATES if template.split == split
            for case in expand(template, limit=limit, seed=seed)]


def measure_cases() -> list[Case]:
    """The held-out functional suite used for reporting."""
    return cases("measure")


def augmentation_cases(seed: int = 0) -> list[Case]:
    """Cases from the augmentation templates, for training only."""
    return cases("augment", seed=seed)


def neutral_identity_cases() -> list[Case]:
    """Every group in every held-out, non-abusive template that names one (English, Roman Urdu,
    Urdu script): the sentences whose flag rate is the identity false-positive rate."""
    neutral = ("neutral_identity", "roman_urdu", "urdu_script")
    return [case for template in TEMPLATES
            if template.split == "measure" and not template.abusive
            and template.category in neutral
            and any(slot in template.pattern for slot in ("{group", "{member"))
            for case in expand(template, limit=1000)]


def iter_categories(items: Sequence[Case]) -> Iterator[tuple[str, list[Case]]]:
    """Group cases by category, in the order of :data:`CATEGORIES`."""
    for category in CATEGORIES:
        group = [case for case in items if case.category == category]
        if group:
            yield category, group
