//! The kinds of words the understanding engine knows, and the record each language fills with
//! its own words of those kinds. The engine's rules are written against these kinds (a weekday,
//! "half", a cancellation cue), never against the words of one language, so a language is a set
//! of tables here and nothing in `understanding`.
//!
//! Every table is written in whatever order reads best and sorted at compile time, so a lookup
//! is a binary search with no start-up cost and no global mutable state.

/// One table row: a folded lowercase word and what it means.
pub type Entry<T> = (&'static str, T);

pub const fn str_lt(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = if a.len() < b.len() { a.len() } else { b.len() };
    let mut i = 0;
    while i < n {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
        i += 1;
    }
    a.len() < b.len()
}

/// Copies a slice literal into an array so the length need not be written by hand.
pub const fn array_from<T: Copy, const N: usize>(s: &[Entry<T>]) -> [Entry<T>; N] {
    assert!(!s.is_empty() && s.len() == N);
    let mut out = [s[0]; N];
    let mut i = 0;
    while i < N {
        out[i] = s[i];
        i += 1;
    }
    out
}

const fn sift_down<T: Copy, const N: usize>(t: &mut [Entry<T>; N], mut root: usize, end: usize) {
    loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && str_lt(t[child].0, t[child + 1].0) {
            child += 1;
        }
        if !str_lt(t[root].0, t[child].0) {
            return;
        }
        t.swap(root, child);
        root = child;
    }
}

/// Heap sort, because it runs in `const` context with O(n log n) steps
/// (insertion sort on a few hundred rows trips the const-eval step lint).
pub const fn sorted<T: Copy, const N: usize>(mut t: [Entry<T>; N]) -> [Entry<T>; N] {
    let mut start = N / 2;
    while start > 0 {
        start -= 1;
        sift_down(&mut t, start, N);
    }
    let mut end = N;
    while end > 1 {
        end -= 1;
        t.swap(0, end);
        sift_down(&mut t, 0, end);
    }
    t
}

/// Declares a table sorted at compile time from an unordered literal.
macro_rules! sorted_table {
    ($vis:vis $name:ident : $ty:ty = [$($row:expr),* $(,)?]) => {
        $vis const $name: [$crate::languages::vocabulary::Entry<$ty>; {
            const N: usize = [$(stringify!($row)),*].len();
            N
        }] = $crate::languages::vocabulary::sorted(
            $crate::languages::vocabulary::array_from(&[$($row),*]),
        );
    };
}
pub(crate) use sorted_table;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Morning,
    Afternoon,
    /// Spanish "la tarde": from noon into the evening.
    LongAfternoon,
    Evening,
    Night,
    Lunch,
    AfterWork,
}

/// What a word means for dates and times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lex {
    None,
    /// 0 = Monday.
    Weekday(u8),
    /// German two-letter abbreviations; too ambiguous to trust outside German text.
    WeekdayShort(u8),
    Month(u8),
    /// "may", "march", "mar": ordinary English words unless next to a day number.
    MonthAmbiguous(u8),
    Number(u8),
    Ordinal(u8),
    Today,
    Tonight,
    Tomorrow,
    Overmorrow,
    /// yesterday, gestern: a day already past, which the dialogue must refuse.
    Yesterday,
    /// German "morgen": tomorrow, or morning after "heute"/"am"/"guten".
    Morgen,
    Part(Part),
    Noon,
    Midnight,
    Early,
    Late,
    /// German "früh": early, or morning after a day word ("morgen früh").
    Frueh,
    /// next: the following calendar week's.
    Next,
    /// nächste: in German usually the first one after today.
    Naechste,
    /// coming, kommende: the first one after today.
    Coming,
    This,
    Last,
    AfterNext,
    Week,
    Weekend,
    /// "zwischen den Jahren": the working days between Christmas and New Year, 27–30 December.
    BetweenYears,
    DayUnit,
    MonthUnit,
    Am,
    Pm,
    Oclock,
    Uhr,
    Half,
    Halb,
    Quarter,
    Viertel,
    Dreiviertel,
    Past,
    To,
    Nach,
    Vor,
    Of,
    After,
    Before,
    By,
    Between,
    From,
    Until,
    Around,
    Latest,
    Earliest,
    At,
    On,
    In,
    For,
    And,
    The,
    A,
    Later,
    Work,
    Minutes,
    Hours,
    People,
    Year,
    /// A named day: a holiday or its eve ("Boxing Day", "Rosenmontag", "Nochebuena").
    Holiday(Holiday),
    /// An article that makes the next number an hour: Spanish "a las 5", "la una".
    ClockArticle,
    /// "5 menos cuarto": minutes before the hour.
    Minus,
    /// "pasado mañana": one day further than the next word.
    Over,
    /// "today week", "de hoy en ocho": seven days after the day before it.
    WeekLater,
    /// "fortnight": two weeks.
    Fortnight,
    /// "Viertelstunde": fifteen minutes.
    QuarterHour,
    /// "nachher": later today.
    LaterToday,
    /// "bring forward", "vorziehen", "adelantar": earlier than booked.
    Sooner,
    /// "push back", "nach hinten", "retrasar": later than booked.
    Delay,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Cue {
    None,
    Cancel,
    /// delete, streichen: a cancellation only when about the appointment.
    Remove,
    Move,
    Change,
    Book,
    Appointment,
    Appointments,
    Booked,
    My,
    Want,
    Come,
    Free,
    Question,
    Show,
    Have,
    Human,
    Someone,
    Talk,
    Call,
    Callback,
    Help,
    Greeting,
    Good,
    Yes,
    Works,
    No,
    Not,
    Thanks,
    Please,
    ChoiceNoun,
    Take,
    Different,
    Actually,
    Me,
    It,
    TimeNoun,
    To,
    Legen,
    Auf,
    Push,
    Back,
    Make,
    Manage,
    I,
    Do,
    How,
    Geht,
    Can,
    Noch,
    Problem,
    Why,
    Bad,
    /// lieber, eher, rather, really, leider: soften a following "not".
    Soft,
    Think,
    Sounds,
    Also,
    Go,
    Ahead,
    Course,
    One,
    Filler,
    Name,
    Is,
    Heisse,
    Here,
    Im,
    Off,
    Sag,
    We,
    So,
    Bin,
    For,
    /// data, Daten, details: what a privacy request is about.
    PersonalData,
    /// forget, erase, vergessen, GDPR: asking to be forgotten.
    Forget,
    /// instead, stattdessen, en vez de: another day or time in place of one.
    Instead,
    /// rather, lieber, mejor: preferring another day or time.
    Rather,
    /// "tengo": a verb that carries its "I" ("do I have", "hab ich").
    IHave,
    /// then, dann, entonces: pointing back at a time already said ("is Jordan free then?").
    Then,
}

impl Cue {
    /// The last variant: the intent rules keep a message's cues in a 128-bit set.
    pub const LAST: Cue = Cue::Then;
}

/// The named days the engine can date. Each language names them (in `words` or `expressions`);
/// `understanding::holidays` knows how to compute each, per country where it differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holiday {
    NewYearsDay,
    Epiphany,
    MartinLutherKingDay,
    ValentinesDay,
    PresidentsDay,
    StPatricksDay,
    Weiberfastnacht,
    Rosenmontag,
    ShroveTuesday,
    AshWednesday,
    MothersDay,
    MaundyThursday,
    GoodFriday,
    HolySaturday,
    Easter,
    EasterMonday,
    MayDay,
    EarlyMayBankHoliday,
    SanIsidro,
    VictoriaDay,
    MemorialDay,
    SpringBankHoliday,
    Ascension,
    Pentecost,
    WhitMonday,
    CorpusChristi,
    FathersDay,
    SanJuan,
    CanadaDay,
    IndependenceDay,
    Assumption,
    SummerBankHoliday,
    LabourDay,
    GermanUnityDay,
    Thanksgiving,
    ColumbusDay,
    Halloween,
    ReformationDay,
    AllSaints,
    VeteransDay,
    RepentanceDay,
    BlackFriday,
    StNicholas,
    ConstitutionDay,
    ImmaculateConception,
    ChristmasEve,
    Christmas,
    BoxingDay,
    NewYearsEve,
}

/// Several words read as one: "pasado mañana", "boxing day", "fin de semana". Keyed in its
/// table by its first word; `rest` are the words that must follow, folded like every word.
#[derive(Clone, Copy, Debug)]
pub struct Expression {
    pub rest: &'static [&'static str],
    pub lex: Lex,
    pub cue: Cue,
    /// Negation-scope flags, from [`scope`].
    pub flags: u8,
}

/// An expression with a meaning for dates and times only.
pub const fn expression(rest: &'static [&'static str], lex: Lex) -> Expression {
    Expression {
        rest,
        lex,
        cue: Cue::None,
        flags: 0,
    }
}

/// An expression with a meaning for the intent only.
pub const fn cue_expression(rest: &'static [&'static str], cue: Cue) -> Expression {
    Expression {
        rest,
        lex: Lex::None,
        cue,
        flags: 0,
    }
}

/// What a word says a question to the business is about (`understanding::care`). Some kinds
/// name the topic on their own ("price", "Öffnungszeiten"); others only in a question or next
/// to another word ("how long", "are you open").
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Subject {
    Price,
    /// "much": a price after "how".
    Much,
    /// "cuánto", "wieviel": how much, or how long when a word of time follows.
    HowMuch,
    Duration,
    /// "long": a duration after "how".
    Long,
    /// "offer", "services", "machen", "hacéis".
    Offer,
    /// "opening hours", "Öffnungszeiten", "horario".
    Hours,
    /// "open", "offen", "abierto": hours, in a question.
    Open,
    /// "auf": open, only as the last word of a question ("habt ihr samstags auf?").
    OpenAtEnd,
    /// "barbers", "Mitarbeiter", "equipo": who works here.
    Team,
    /// "pay", "zahlen", "cobrar": with a cancellation word, the cancellation policy.
    Charge,
    /// "Stornogebühr": the cancellation policy on its own.
    CancelPolicy,
    /// "sms", "text", "mensaje": with "before", a reminder.
    Message,
    Before,
    /// "sell", "verkauft", "vendéis": products, not services.
    Sell,
    Close,
    Where,
    Address,
    Phone,
    /// "number", "Nummer": the phone number, in a question.
    Number,
    Website,
    /// "work", "in", "da", "trabaja": with a staff member, whether they work.
    Works,
    Who,
    /// "policy", "fee", "spätestens", "plazo": with a cancellation word, the cancellation policy.
    Policy,
    /// "advance", "im Voraus", "antelación".
    Advance,
    Reminder,
    /// "now", "jetzt", "ahora".
    Now,
}

/// What a word is about in the questions businesses put in their FAQ, whatever the language
/// ("card", "Karte", "tarjeta", "amex"): an example and a customer's question meet on it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Gist {
    Payment,
    Parking,
    Access,
    WalkIn,
    /// "without", "need": whether something is needed ("no appointment needed?").
    Without,
    Appointment,
    Gift,
    Bring,
    Pet,
    Child,
    Wifi,
    Toilet,
    Drink,
}

impl Gist {
    /// The key the FAQ matcher uses for words of this gist; no written word looks like it.
    pub const fn key(self) -> &'static str {
        match self {
            Gist::Payment => "#payment",
            Gist::Parking => "#parking",
            Gist::Access => "#access",
            Gist::WalkIn => "#walkin",
            Gist::Without => "#without",
            Gist::Appointment => "#appointment",
            Gist::Gift => "#gift",
            Gist::Bring => "#bring",
            Gist::Pet => "#pet",
            Gist::Child => "#child",
            Gist::Wifi => "#wifi",
            Gist::Toilet => "#toilet",
            Gist::Drink => "#drink",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Concept {
    Haircut,
    Beard,
    Colour,
    Fade,
    Wash,
    Cleaning,
    Checkup,
    Nails,
}

/// Negation-scope flags of a word (see `understanding::scope`).
pub mod scope {
    /// Starts a new thought even without punctuation
    /// ("i am not free on tomorrow book it on next friday").
    pub const STARTS_CLAUSE: u8 = 1;
    /// Puts its clause under negation ("freitag geht nicht").
    pub const NEGATES_CLAUSE: u8 = 2;
    /// Rejects what directly follows ("not tomorrow", "statt Freitag").
    pub const NEGATES_NEXT: u8 = 4;
    /// Rejects what follows only as "instead of" / "rather than".
    pub const NEGATES_WITH_OF: u8 = 8;
}

/// Everything the understanding engine needs to read one language. Each table is sorted by
/// word (declare it with `sorted_table!`); a word may sit in several tables.
#[derive(Debug)]
pub struct Vocabulary {
    /// What words mean for dates and times.
    pub words: &'static [Entry<Lex>],
    /// What words say about the customer's intent.
    pub cues: &'static [Entry<Cue>],
    /// Words that tell this language (pronouns, articles, common verbs).
    pub evidence: &'static [Entry<()>],
    /// Where negation reaches: flags from [`scope`].
    pub scope: &'static [Entry<u8>],
    /// Several words read as one; several rows may share a first word.
    pub expressions: &'static [Entry<Expression>],
    /// Generic words for a kind of service ("haircut", "schneiden").
    pub concepts: &'static [Entry<Concept>],
    /// What words say a question is about.
    pub subjects: &'static [Entry<Subject>],
    /// Words that open a question when they come first ("what", "habt", "hay").
    pub question_openers: &'static [&'static str],
    /// What words are about in FAQ questions; a row also covers words it starts ("park" covers
    /// "parking", "Parkplätze") and, four letters or more, compounds it ends ("Hundeverbot").
    pub gists: &'static [Entry<Gist>],
    /// Letters only this language writes ("ß", "ñ", "¿"): evidence too.
    pub letters: &'static [char],
    /// Endings written onto a day number: "14th", "3ten".
    pub ordinal_endings: &'static [&'static str],
    /// Ordinal words that inflect: the stem, with [`Self::ordinal_inflections`] stripped.
    pub ordinal_stems: &'static [(&'static str, u8)],
    pub ordinal_inflections: &'static [&'static str],
    /// Long temporal words worth recognising with one typo, in the order they are tried.
    pub typo_targets: &'static [Entry<Lex>],
    /// Thanks and goodbyes, answered politely rather than as a puzzle.
    pub closings: &'static [&'static str],
    /// Words in a service's name that carry no meaning of their own ("and", "mit").
    pub label_fillers: &'static [&'static str],
    /// "5/3" is May 3 by default (US), else 5 March.
    pub month_first: bool,
    /// Words after which the word for "tomorrow" means the morning: "am Morgen", "la mañana".
    pub morning_markers: &'static [&'static str],
    /// "20 to 5" counts minutes to the hour (English); in Spanish "de 5 a 7" is a range.
    pub minutes_to_the_hour: bool,
    /// Words after which a bare number is a day of the month: German "am 14", Spanish "el 14".
    pub date_articles: &'static [&'static str],
    /// "15.12" without a final dot is a date (German), not a time, unless a clock word says so.
    pub dotted_dates: bool,
    /// Whether its words are read in messages of other languages too (English and German
    /// mix: "pm" in German; Spanish words like "once" or "dom" would misread English).
    pub lends_words: bool,
}
