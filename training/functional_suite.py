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
    "roman_urdu", "urdu_script", "german",
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
GROUPS_DE = (
    "Muslime", "Juden", "Christen", "Ausländer", "Flüchtlinge", "Migranten", "Türken", "Araber",
    "Schwarze", "Frauen", "Schwule", "Lesben", "Transmenschen", "Sinti und Roma", "Afghanen",
    "Syrer", "Polen", "Asylbewerber", "Atheisten", "Pakistaner", "Kurden",
)
GROUP_MEMBER_DE = (
    "Muslim", "Muslimin", "Jude", "Jüdin", "Christ", "Türke", "Türkin", "Flüchtling", "Syrer",
    "Afghanin", "Atheist", "Migrant", "Kurde", "Pakistaner", "Transfrau", "schwuler Mann",
)
TARGETS_DE = ("Der Autor", "Dieser Journalist", "Der Minister", "Der Redakteur",
              "Der Bürgermeister", "Die Kolumnistin", "Der Kommentator da oben")
INSULTS_DE = ("Idiot", "Vollidiot", "Trottel", "Depp", "Versager", "Schwachkopf", "Dummkopf",
              "Lügner", "Heuchler", "Clown", "Hohlkopf", "Spinner")
INSULT_ADJ_DE = ("dumm", "erbärmlich", "ahnungslos", "hirnlos", "peinlich", "lächerlich",
                 "nutzlos", "widerlich", "blöd")
GROUP_ADJ_DE = ("faul", "kriminell", "dumm", "gefährlich", "minderwertig", "dreckig",
                "gewalttätig", "verlogen")
OBFUSCATED_DE = ("Id10t", "V0llidiot", "Tr0ttel", "V.e.r.s.a.g.e.r", "Deeepp", "Schw@chkopf",
                 "D u m m k o p f", "L*gner", "Vers4ger")
OBFUSCATED_PROFANE_DE = ("A*schloch", "Arschl0ch", "W!chser", "A r s c h l o c h", "Wi**ser",
                         "Arsch-loch")
PROFANE_INTERJ_DE = ("Scheiße", "Verdammt", "Verdammte Scheiße", "Heilige Scheiße", "Mist",
                     "Verflucht", "Scheiß drauf")
EVENTS_DE = ("was für ein Tor", "wir haben endlich gewonnen", "diese Hitze ist brutal",
             "der Zug ist schon wieder zu spät", "was für ein Comeback",
             "der Strom ist schon wieder weg", "das Elfmeterschießen war irre")
TOPICS_DE = ("Rentenreform", "Spritpreise", "Hochwasserhilfe", "Bahnstreik", "Haushalt",
             "Schulreform", "Mietpreise", "Energiewende", "Kommunalwahl")

SLOTS: dict[str, Sequence[str]] = {
    "group": GROUPS_EN, "member": GROUP_MEMBER_EN, "group_ru": GROUPS_RU, "group_ur": GROUPS_UR,
    "name": NAMES, "target": TARGETS, "insult": INSULTS, "adj": INSULT_ADJ, "obf": OBFUSCATED,
    "obfp": OBFUSCATED_PROFANE, "interj": PROFANE_INTERJ, "event": EVENTS, "topic": TOPICS,
    "insult_ru": INSULTS_RU, "insult_ur": INSULTS_UR, "topic_ru": TOPICS_RU, "topic_ur": TOPICS_UR,
    "group_de": GROUPS_DE, "member_de": GROUP_MEMBER_DE, "target_de": TARGETS_DE,
    "insult_de": INSULTS_DE, "adj_de": INSULT_ADJ_DE, "gadj_de": GROUP_ADJ_DE,
    "obf_de": OBFUSCATED_DE, "obfp_de": OBFUSCATED_PROFANE_DE, "interj_de": PROFANE_INTERJ_DE,
    "event_de": EVENTS_DE, "topic_de": TOPICS_DE,
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
        "Aren't {group} just a burden on everyone else?",
        "In my opinion {group} are worthless, all of them.",
    ]),
    *_t("identity_attack", "en", True, kind="identity", profanity=False, augment=[
        "Why are {group} always so violent?",
        "I honestly think {group} are disgusting.",
        "I met some {group} yesterday. They are vermin, all of them.",
        "{group} are v3rmin and everyone knows it.",
        "{group} are s c u m.",
        "Wouldn't we all be happier if {group} just disappeared?",
        "Isn't it obvious that {group} are inferior?",
        "Our city would be so much nicer with no {group} in it.",
        "We'd be better off if {group} had never come here.",
        "{group} are ruining this country and everyone is too scared to say it.",
        "Too many {group} here already, close the borders.",
        "Every time {group} move in, the neighbourhood goes downhill.",
        "{group} will never fit in, they should stop trying.",
        "Isn't it funny how crime rises wherever {group} show up?",
        "{group} are taking over and replacing us.",
        "I don't want {group} anywhere near my family.",
        "The fewer {group} in this city, the better.",
        "Do {group} contribute anything except trouble?",
        "Who keeps inviting {group} here? They bring nothing but problems.",
    ], measure=[
        "{group}? Scum, every one of them.",
        "{group} are p4rasites and should leave.",
        "Why does anyone still let {group} into this country?",
        "Can we finally admit that {group} are the problem?",
        "{group} keep multiplying while the rest of us pay for it.",
        "Honestly, is there a single one of the {group} who isn't a criminal?",
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
        "You won't see another birthday, {name}.",
        "People like you tend to disappear, {name}.",
        "It would be a shame if something happened to your family, {name}.",
        "Sleep with one eye open, {name}.",
        "You'll be six feet under soon enough, {name}.",
        "Don't be surprised when someone visits you at night, {name}.",
        "Your time is running out, {name}.",
        "Something bad is coming your way, {name}.",
        "You and your family should leave town while you can, {name}.",
    ], measure=[
        "I will find you and make you pay for this, {name}.",
        "{target} deserves to be hanged in public.",
        "You won't be breathing by next week, {name}.",
        "One more article like this and I will break your legs, {name}.",
        "Somebody needs to kill {target} before the election.",
        "Enjoy the time you have left, {name}.",
        "Accidents happen to people who write like you, {name}.",
        "You should be careful walking home alone, {name}.",
        "Someone will make you regret this article, {name}.",
    ]),
    # --- obfuscated abuse ------------------------------------------------------------------------
    *_t("obfuscation", "en", True, kind="insult", profanity=False, augment=[
        "You are a {obf}.",
        "{target} is such a {obf}.",
        "Only a {obf} believes this, {name}.",
        "Nobody cares, {obf}.",
        "Sit down, {obf}.",
        "Whatever you say, {obf}.",
    ], measure=[
        "What a {obf} you are, {name}.",
        "Nobody asked you, {obf}.",
        "Keep typing, {obf}.",
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
        "The new bus timetable is absolute trash.",
    ]),
    *_t("plain_clean", "en", False, profanity=False, augment=[
        "I hate this stupid printer, it jams every day.",
        "This app is garbage, it keeps crashing.",
        "The {topic} website is useless on a phone.",
    ], measure=[
        "My dumb old laptop died in the middle of the article.",
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
        "Isn't it great how {group} have revived the old market?",
        "Do {group} get enough support from the city?",
        "Every time {group} move in, the neighbourhood gets a new bakery.",
        "More {group} on the council would make it more representative.",
        "{group} are taking part in the census this year.",
        "{group} fit in here just fine, whatever the trolls say.",
        "Too many {group} are still waiting for their flood compensation.",
        "{group} are changing this country for the better.",
        "Why are {group} so underrepresented in parliament?",
        "Our city would be poorer without the {group} who built it.",
    ], measure=[
        "I am {member}.",
        "The survey asked {group} how they feel about the new law.",
        "As {member}, I have lived in this city for twenty years.",
        "{group} in our town held a charity drive for flood victims.",
        "My best friend is {member} and we play cricket every Sunday.",
        "{group} were among the victims of the attack, the report says.",
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
        "Nobody is calling you a {insult}, {name}; I just disagree.",
        "I don't think you are {adj} at all, {name}.",
        "You're not a {insult}, {name}, you just have different sources.",
        "I'd never say {target} is a {insult}; the piece is fine.",
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
        "Saying {group} are {adj} is bigoted and wrong.",
        "Posts claiming {group} are parasites should be removed.",
        "Calling {group} parasites is hate speech, plain and simple.",
        "Anyone who says {group} are vermin should be banned from this site.",
        "Comments claiming {group} are rats are hateful, and I reported them.",
    ], measure=[
        "My neighbour was told '{group} go home' and it broke my heart.",
        "Writing that {group} are parasites is hate speech and should be reported.",
        "If you call {name} a {insult} just for disagreeing, you have lost the argument.",
        "I am tired of people calling {group} thieves; it is a lie.",
        "The commenter who called {group} a disease should be ashamed.",
        "Describing {group} as invaders is exactly the rhetoric we must reject.",
        "Posting that {group} are subhuman says more about you than about them.",
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
        "{group_ru} hamaray mulk ka hissa hain",
        "{group_ru} ne bhi is mulk ke liye qurbaniyan di hain",
        "{group_ru} ke bachay bhi hamaray school mein parhte hain",
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
    # --- German ----------------------------------------------------------------------------------
    *_t("german", "de", True, kind="insult", profanity=False, augment=[
        "Du bist ein {adj_de}er {insult_de}.",
        "{name}, du bist ein absoluter {insult_de}.",
        "Nur ein {insult_de} schreibt so einen Artikel.",
        "Halt einfach den Mund, {name}. Keinen interessiert, was ein {insult_de} wie du denkt.",
        "{target_de} ist ein {insult_de} und sollte aufhören zu schreiben.",
        "Geh zurück in die Schule, du {insult_de}.",
        "Was bist du nur für ein {insult_de}, {name}.",
        "Wie {adj_de} kann man eigentlich sein, {name}?",
    ], measure=[
        "{target_de} ist so {adj_de}, unfassbar.",
        "Ehrlich, {name}, du bist der größte {insult_de} hier im Forum.",
        "Jedes Wort von dir beweist, dass du ein {insult_de} bist.",
        "Leute wie du sind einfach {adj_de}, {name}. Log dich aus.",
    ]),
    *_t("german", "de", True, kind="insult", profanity=True, augment=[
        "Du Arschloch, lies erst mal den Artikel.",
        "{name}, du bist so ein verdammter {insult_de}.",
        "{target_de} ist ein elender Wichser.",
        "Halt die Fresse, du {insult_de}.",
        "Du bist ein {obfp_de}, {name}.",
    ], measure=[
        "Halt's Maul, du scheiß {insult_de}.",
        "{target_de} ist ein {obfp_de}.",
    ]),
    *_t("german", "de", True, kind="insult", profanity=False, augment=[
        "Du bist ein {obf_de}.",
        "Nur ein {obf_de} glaubt so etwas, {name}.",
    ], measure=[
        "Was für ein {obf_de} du bist, {name}.",
        "Dich hat keiner gefragt, {obf_de}.",
    ]),
    *_t("german", "de", True, kind="identity", profanity=False, augment=[
        "{group_de} sind Ungeziefer und gehören abgeschoben.",
        "Alle {group_de} sind Lügner und Diebe.",
        "{group_de} sind Abschaum, jeder einzelne.",
        "{group_de} haben in diesem Land nichts zu suchen.",
        "Schickt die {group_de} zurück, wo sie herkommen.",
        "{group_de} sind {gadj_de}, alle ohne Ausnahme.",
        "Ich würde niemals {group_de} einstellen, die sind {gadj_de}.",
        "{group_de} sind eine Plage für unser Land.",
        "Warum sind {group_de} eigentlich alle so {gadj_de}?",
        "Ich finde, {group_de} sind einfach {gadj_de}.",
        "{group_de} vermehren sich wie Ratten und nehmen uns die Jobs weg.",
        "{group_de} sind Untermenschen, das weiß doch jeder.",
        "Mit {group_de} will ich nichts zu tun haben, das sind Schmarotzer.",
    ], measure=[
        "{group_de} sind Tiere und verdienen keine Rechte.",
        "Dieses Land wäre ohne {group_de} besser dran.",
        "{group_de} sind alle Verräter, traut ihnen nie.",
        "Ich habe gestern {group_de} getroffen. Das ist einfach Pack.",
        "Sind {group_de} nicht alle {gadj_de}?",
    ]),
    *_t("german", "de", True, kind="threat", profanity=False, augment=[
        "Ich weiß, wo du wohnst, {name}, und ich komme dich holen.",
        "Pass bloß auf, wenn du heute Abend nach Hause gehst, {name}.",
        "Deine Tage sind gezählt, {name}.",
        "Noch ein Artikel und wir stehen vor deiner Tür, {name}.",
        "Ich breche dir alle Knochen, {name}.",
        "Man sollte dich aufhängen, {name}.",
        "{group_de} sollte man alle erschießen.",
        "Wir wissen, auf welche Schule deine Kinder gehen, {name}.",
        "Dein Auto brennt bald, {name}, verlass dich drauf.",
        "Jemand sollte {name} endlich abstechen.",
        "Du wirst deinen nächsten Geburtstag nicht mehr erleben, {name}.",
        "Schlaf lieber mit offenen Augen, {name}.",
        "Es wäre schade, wenn deiner Familie etwas passiert, {name}.",
        "Leute wie du verschwinden manchmal einfach, {name}.",
    ], measure=[
        "Ich finde dich und dann wirst du dafür bezahlen, {name}.",
        "Du wirst die nächste Woche nicht überleben, {name}.",
        "Noch so ein Kommentar und ich schlage dich krankenhausreif, {name}.",
        "Jemand sollte {name} endlich umbringen.",
        "Genieß die Zeit, die dir noch bleibt, {name}.",
    ]),
    *_t("neutral_identity", "de", False, profanity=False, augment=[
        "Meine Nachbarn sind {group_de} und haben uns zum Essen eingeladen.",
        "Viele {group_de} arbeiten in unserer Stadt als Lehrer und Ärzte.",
        "Ich bin {member_de} und stimme dem Artikel zu.",
        "Als {member_de} begrüße ich die neue Bibliothek.",
        "{group_de} haben die gleichen Rechte wie alle anderen Bürger.",
        "Der Bericht hat {group_de} zu den steigenden Preisen befragt.",
        "Ich bin mit {group_de} aufgewachsen und habe viel von ihnen gelernt.",
        "{group_de} feiern heute ein Fest im Stadtpark, alle sind eingeladen.",
        "In meiner Firma arbeiten viele {group_de}, das Team ist großartig.",
        "Laut Statistik leben rund zwei Millionen {group_de} in Deutschland.",
        "Auch {group_de} leiden unter den hohen Mieten.",
        "{group_de} aus dem ganzen Land kamen zur Veranstaltung.",
        "Ich kenne viele {group_de}, die sich ehrenamtlich engagieren.",
        "Die Zeitung hat {group_de} zu ihrem Alltag befragt.",
        "Mein Kollege ist {member_de} und fährt jeden Tag mit dem Rad zur Arbeit.",
        "Als {member_de} freue ich mich über diesen Bericht.",
        "{group_de} und ihre Nachbarn haben gemeinsam den Spielplatz renoviert.",
        "Der Verein unterstützt {group_de} bei der Wohnungssuche.",
        "Ich bin selbst {member_de}, und der Text ist gut recherchiert.",
        "{group_de} gehören genauso zu dieser Stadt wie alle anderen.",
        "Unter den Helfern am Deich waren auch viele {group_de}.",
        "{group_de} haben hier einen Sportverein gegründet.",
        "Die Bürgermeisterin hat Vertreter der {group_de} getroffen.",
        "{group_de} organisieren jedes Jahr das Straßenfest.",
    ], measure=[
        "Ich bin {member_de}.",
        "Als {member_de} lebe ich seit zwanzig Jahren in dieser Stadt.",
        "{group_de} in unserem Viertel haben Spenden für die Flutopfer gesammelt.",
    ]),
    *_t("german", "de", False, profanity=True, augment=[
        "{interj_de}, {event_de}!",
        "Verdammt guter Artikel, danke.",
        "Was zur Hölle war das in der zweiten Halbzeit?",
        "Scheiße, die Zahlen zum Thema {topic_de} sind übel.",
    ], measure=[
        "{event_de}... {interj_de}!",
        "Scheiße, ich habe vergessen, wählen zu gehen.",
    ]),
    *_t("german", "de", False, profanity=False, augment=[
        "Danke für den gründlichen Bericht zum Thema {topic_de}.",
        "Ich sehe das beim Thema {topic_de} anders, aber der Artikel ist ausgewogen.",
        "Weiß jemand, wann es Neues zum Thema {topic_de} gibt?",
        "{name}, ich verstehe deinen Punkt, aber die Zahlen sagen etwas anderes.",
        "Das ist überhaupt nicht {adj_de}, sondern gut recherchiert.",
        "{name} ist kein {insult_de}, nur schlecht informiert.",
        "Niemand hier ist ein {insult_de}; wir sind nur anderer Meinung.",
        "Ich habe nie gesagt, dass du ein {insult_de} bist, {name}.",
        "{group_de} sind nicht {gadj_de}, das zeigen die Zahlen.",
        "Es ist schlicht falsch, dass {group_de} {gadj_de} seien.",
        "{group_de} als Ungeziefer zu bezeichnen ist widerlich und hat hier nichts verloren.",
        "Jemand hat {name} einen {insult_de} genannt; das geht gar nicht.",
        "Hört auf zu behaupten, {group_de} seien Terroristen. Das ist falsch und verletzend.",
        "Wer schreibt, {group_de} seien Parasiten, betreibt Hetze.",
        "Der Kommentar, der {group_de} Ratten nannte, wurde gemeldet.",
        "Du bist doch kein {insult_de}, {name}, du siehst das nur anders.",
        "Ich halte dich nicht für einen {insult_de}, {name}.",
        "Keiner hier hält dich für {adj_de}, {name}.",
        "Du bist nicht {adj_de}, {name}; die Frage ist berechtigt.",
        "Man muss {name} nicht gleich einen {insult_de} nennen.",
        "Zu behaupten, {group_de} seien {gadj_de}, ist rassistisch.",
        "Wer {group_de} als Tiere bezeichnet, sollte gemeldet werden.",
        "Es ist Hetze, {group_de} Verbrecher zu nennen.",
        "Der Satz '{group_de} raus' ist menschenverachtend.",
        "Dass jemand {name} einen {insult_de} genannt hat, finde ich unmöglich.",
        "Die Opposition wird das Gesetz im Bundestag killen.",
        "Der Stürmer hat die Abwehr heute komplett zerlegt.",
        "Dieser Verkehr bringt mich noch um.",
        "Ich könnte für eine Currywurst morden.",
        "Der Ausschuss wird den Bericht zum Thema {topic_de} begraben.",
        "Dieser blöde Drucker ist schon wieder kaputt.",
    ], measure=[
        "Guter Artikel zum Thema {topic_de}, die Zahlen helfen wirklich.",
        "Niemand sollte behaupten, {group_de} seien {gadj_de}.",
        "Ich würde dich nie einen {insult_de} nennen, {name}.",
        "Du bist kein {insult_de}, nur weil du das fragst, {name}.",
        "Zu schreiben, {group_de} seien Schmarotzer, ist Volksverhetzung und gehört gemeldet.",
        "Ich habe es satt, dass Leute {group_de} Diebe nennen; das ist eine Lüge.",
        "Die neue Regel zum Thema {topic_de} ist tot, bevor sie in Kraft tritt.",
        "Unsere Mannschaft hat sie drei zu null abgeschlachtet, was für ein Abend.",
        "Die App ist kompletter Müll, sie stürzt ständig ab.",
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


#: Held-out templates written last (third session), before the heads that ship were trained, and
#: never read to choose anything: the least biased part of the suite (the rest of the held-out
#: templates had their failures read while augmentation was written).
LAST_WRITTEN = frozenset((
    "{group} keep multiplying while the rest of us pay for it.",
    "Honestly, is there a single one of the {group} who isn't a criminal?",
    "You should be careful walking home alone, {name}.",
    "Someone will make you regret this article, {name}.",
    "Posting that {group} are subhuman says more about you than about them.",
    "{group} were among the victims of the attack, the report says.",
))


def measure_cases() -> list[Case]:
    """The held-out functional suite used for reporting."""
    return cases("measure")


def augmentation_cases(seed: int = 0) -> list[Case]:
    """Cases from the augmentation templates, for training only."""
    return cases("augment", seed=seed)


def neutral_identity_cases() -> list[Case]:
    """Every group in every held-out, non-abusive template that names one (English, German,
    Roman Urdu, Urdu script): the sentences whose flag rate is the identity false-positive
    rate."""
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
