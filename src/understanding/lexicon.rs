//! Static word tables. Every table is written in whatever order reads best and
//! sorted at compile time, so a lookup is a binary search with no start-up cost
//! and no global mutable state.

/// One table row: a folded lowercase word and what it means.
pub(super) type Entry<T> = (&'static str, T);

pub(super) const fn str_lt(a: &str, b: &str) -> bool {
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
pub(super) const fn array_from<T: Copy, const N: usize>(s: &[Entry<T>]) -> [Entry<T>; N] {
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
pub(super) const fn sorted<T: Copy, const N: usize>(mut t: [Entry<T>; N]) -> [Entry<T>; N] {
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
        $vis const $name: [$crate::understanding::lexicon::Entry<$ty>; {
            const N: usize = [$(stringify!($row)),*].len();
            N
        }] = $crate::understanding::lexicon::sorted(
            $crate::understanding::lexicon::array_from(&[$($row),*]),
        );
    };
}
pub(super) use sorted_table;

pub(super) fn find<T: Copy>(table: &[Entry<T>], word: &str) -> Option<T> {
    table
        .binary_search_by(|e| e.0.cmp(word))
        .ok()
        .map(|i| table[i].1)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Part {
    Morning,
    Afternoon,
    Evening,
    Night,
    Lunch,
    AfterWork,
}

/// What a word means for dates and times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Lex {
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
}

// `Lex::*` also brings the variant `Lex::Part` into scope, which makes a plain
// `use Part::…` ambiguous inside the table macro; an alias side-steps that.
use self::Part as P;
use Lex::*;
use P::{AfterWork, Afternoon, Evening, Lunch, Morning, Night};

sorted_table!(pub(super) WORDS: Lex = [
    // weekdays
    ("monday", Weekday(0)), ("mon", Weekday(0)), ("mondays", Weekday(0)),
    ("tuesday", Weekday(1)), ("tue", Weekday(1)), ("tues", Weekday(1)), ("tuesdays", Weekday(1)),
    ("wednesday", Weekday(2)), ("wed", Weekday(2)), ("weds", Weekday(2)), ("wednesdays", Weekday(2)),
    ("wensday", Weekday(2)), ("wendsday", Weekday(2)), ("wednsday", Weekday(2)),
    ("thursday", Weekday(3)), ("thu", Weekday(3)), ("thur", Weekday(3)), ("thurs", Weekday(3)),
    ("thursdays", Weekday(3)), ("thrusday", Weekday(3)),
    ("friday", Weekday(4)), ("fri", Weekday(4)), ("fridays", Weekday(4)),
    ("saturday", Weekday(5)), ("sat", Weekday(5)), ("saturdays", Weekday(5)),
    ("sunday", Weekday(6)), ("sun", Weekday(6)), ("sundays", Weekday(6)),
    ("montag", Weekday(0)), ("montags", Weekday(0)),
    ("dienstag", Weekday(1)), ("dienstags", Weekday(1)),
    ("mittwoch", Weekday(2)), ("mittwochs", Weekday(2)),
    ("donnerstag", Weekday(3)), ("donnerstags", Weekday(3)),
    ("freitag", Weekday(4)), ("freitags", Weekday(4)),
    ("samstag", Weekday(5)), ("samstags", Weekday(5)), ("sonnabend", Weekday(5)),
    ("sonntag", Weekday(6)), ("sonntags", Weekday(6)),
    ("mo", WeekdayShort(0)), ("di", WeekdayShort(1)), ("mi", WeekdayShort(2)),
    ("do", WeekdayShort(3)), ("fr", WeekdayShort(4)), ("sa", WeekdayShort(5)),
    // months
    ("january", Month(1)), ("jan", Month(1)), ("januar", Month(1)), ("janner", Month(1)),
    ("february", Month(2)), ("feb", Month(2)), ("februar", Month(2)), ("febuary", Month(2)),
    ("march", MonthAmbiguous(3)), ("mar", MonthAmbiguous(3)), ("marz", Month(3)), ("maerz", Month(3)),
    ("april", Month(4)), ("apr", Month(4)),
    ("may", MonthAmbiguous(5)), ("mai", Month(5)),
    ("june", Month(6)), ("jun", Month(6)), ("juni", Month(6)),
    ("july", Month(7)), ("jul", Month(7)), ("juli", Month(7)),
    ("august", Month(8)), ("aug", Month(8)),
    ("september", Month(9)), ("sep", Month(9)), ("sept", Month(9)),
    ("october", Month(10)), ("oct", Month(10)), ("oktober", Month(10)), ("okt", Month(10)),
    ("november", Month(11)), ("nov", Month(11)),
    ("december", Month(12)), ("dec", Month(12)), ("dezember", Month(12)), ("dez", Month(12)),
    // cardinal number words
    ("zero", Number(0)), ("null", Number(0)),
    ("one", Number(1)), ("two", Number(2)), ("three", Number(3)), ("four", Number(4)),
    ("five", Number(5)), ("six", Number(6)), ("seven", Number(7)), ("eight", Number(8)),
    ("nine", Number(9)), ("ten", Number(10)), ("eleven", Number(11)), ("twelve", Number(12)),
    ("thirteen", Number(13)), ("fourteen", Number(14)), ("fifteen", Number(15)),
    ("sixteen", Number(16)), ("seventeen", Number(17)), ("eighteen", Number(18)),
    ("nineteen", Number(19)), ("twenty", Number(20)), ("thirty", Number(30)),
    ("forty", Number(40)), ("fourty", Number(40)), ("fifty", Number(50)),
    ("eins", Number(1)), ("zwei", Number(2)), ("zwo", Number(2)), ("drei", Number(3)),
    ("vier", Number(4)), ("funf", Number(5)), ("fuenf", Number(5)), ("sechs", Number(6)),
    ("sieben", Number(7)), ("acht", Number(8)), ("neun", Number(9)), ("zehn", Number(10)),
    ("elf", Number(11)), ("zwolf", Number(12)), ("zwoelf", Number(12)),
    ("dreizehn", Number(13)), ("vierzehn", Number(14)), ("funfzehn", Number(15)),
    ("fuenfzehn", Number(15)), ("sechzehn", Number(16)), ("siebzehn", Number(17)),
    ("achtzehn", Number(18)), ("neunzehn", Number(19)), ("zwanzig", Number(20)),
    ("dreissig", Number(30)), ("vierzig", Number(40)), ("funfzig", Number(50)),
    ("fuenfzig", Number(50)),
    // English ordinal words (German ones are derived from stems, see `german_ordinal`)
    ("first", Ordinal(1)), ("second", Ordinal(2)), ("third", Ordinal(3)),
    ("fourth", Ordinal(4)), ("fifth", Ordinal(5)), ("sixth", Ordinal(6)),
    ("seventh", Ordinal(7)), ("eighth", Ordinal(8)), ("ninth", Ordinal(9)),
    ("tenth", Ordinal(10)), ("eleventh", Ordinal(11)), ("twelfth", Ordinal(12)),
    ("thirteenth", Ordinal(13)), ("fourteenth", Ordinal(14)), ("fifteenth", Ordinal(15)),
    ("sixteenth", Ordinal(16)), ("seventeenth", Ordinal(17)), ("eighteenth", Ordinal(18)),
    ("nineteenth", Ordinal(19)), ("twentieth", Ordinal(20)), ("thirtieth", Ordinal(30)),
    // relative days
    ("today", Today), ("todays", Today), ("tday", Today), ("heute", Today), ("heut", Today),
    ("tonight", Tonight), ("tonite", Tonight), ("2nite", Tonight),
    ("tomorrow", Tomorrow), ("tomorrows", Tomorrow), ("tmrw", Tomorrow), ("tmr", Tomorrow),
    ("tmrow", Tomorrow), ("tomorow", Tomorrow), ("tommorow", Tomorrow), ("tommorrow", Tomorrow),
    ("tomorrw", Tomorrow), ("tomoro", Tomorrow), ("tomorro", Tomorrow), ("tmw", Tomorrow),
    ("morgen", Morgen), ("morgn", Morgen),
    ("overmorrow", Overmorrow), ("ubermorgen", Overmorrow), ("uebermorgen", Overmorrow),
    ("ubermorgn", Overmorrow),
    ("yesterday", Yesterday), ("yday", Yesterday), ("gestern", Yesterday),
    // parts of the day
    ("morning", Part(Morning)), ("mornings", Part(Morning)), ("mornin", Part(Morning)),
    ("morn", Part(Morning)), ("forenoon", Part(Morning)),
    ("morgens", Part(Morning)), ("vormittag", Part(Morning)), ("vormittags", Part(Morning)),
    ("vormittach", Part(Morning)), ("vorm", Part(Morning)),
    ("afternoon", Part(Afternoon)), ("afternoons", Part(Afternoon)), ("arvo", Part(Afternoon)),
    ("aftn", Part(Afternoon)), ("nachmittag", Part(Afternoon)), ("nachmittags", Part(Afternoon)),
    ("nachm", Part(Afternoon)), ("nachmittach", Part(Afternoon)),
    ("evening", Part(Evening)), ("evenings", Part(Evening)), ("eve", Part(Evening)),
    ("abend", Part(Evening)), ("abends", Part(Evening)),
    ("night", Part(Night)), ("nights", Part(Night)), ("nacht", Part(Night)), ("nachts", Part(Night)),
    ("lunch", Part(Lunch)), ("lunchtime", Part(Lunch)), ("lunchbreak", Part(Lunch)),
    ("mittagspause", Part(Lunch)),
    ("feierabend", Part(AfterWork)),
    ("mittag", Part(Lunch)), ("mittags", Part(Lunch)), ("mittach", Part(Lunch)),
    ("noon", Noon), ("midday", Noon),
    ("midnight", Midnight), ("mitternacht", Midnight),
    ("early", Early), ("earlier", Early), ("fruhen", Early), ("fruehen", Early),
    ("fruher", Early), ("frueher", Early),
    ("fruh", Frueh), ("frueh", Frueh),
    ("late", Late), ("spat", Late), ("spaet", Late), ("spaten", Late), ("spaeten", Late),
    // week words
    ("next", Next), ("nxt", Next), ("following", Next),
    ("coming", Coming), ("upcoming", Coming),
    ("nachste", Naechste), ("nachsten", Naechste), ("nachster", Naechste), ("nachstes", Naechste),
    ("naechste", Naechste), ("naechsten", Naechste), ("naechster", Naechste), ("naechstes", Naechste),
    ("kommende", Coming), ("kommenden", Coming), ("kommender", Coming), ("kommendes", Coming),
    ("this", This), ("diese", This), ("diesen", This), ("dieser", This), ("dieses", This),
    ("diesem", This),
    ("last", Last), ("letzte", Last), ("letzten", Last), ("letzter", Last), ("letztes", Last),
    ("ubernachste", AfterNext), ("ubernachsten", AfterNext), ("ubernachster", AfterNext),
    ("uebernaechste", AfterNext), ("uebernaechsten", AfterNext),
    ("week", Week), ("weeks", Week), ("wk", Week), ("wks", Week), ("woche", Week), ("wochen", Week),
    ("weekend", Weekend), ("weekends", Weekend), ("wochenende", Weekend),
    ("day", DayUnit), ("days", DayUnit), ("tag", DayUnit), ("tage", DayUnit), ("tagen", DayUnit),
    ("month", MonthUnit), ("months", MonthUnit), ("monat", MonthUnit), ("monats", MonthUnit),
    ("monate", MonthUnit), ("monaten", MonthUnit),
    // clock words
    ("am", Am), ("pm", Pm), ("oclock", Oclock), ("uhr", Uhr),
    ("half", Half), ("halb", Halb), ("halbe", Halb),
    ("quarter", Quarter), ("qtr", Quarter), ("viertel", Viertel), ("dreiviertel", Dreiviertel),
    ("past", Past), ("to", To), ("till", Until), ("til", Until), ("nach", Nach), ("vor", Vor),
    ("of", Of),
    ("after", After), ("ab", After), ("afterwards", After), ("later", Later),
    ("spater", Later), ("spaeter", Later),
    ("before", Before), ("by", By),
    ("between", Between), ("btw", Between), ("zwischen", Between), ("zw", Between),
    ("from", From), ("von", From), ("vom", From),
    ("until", Until), ("bis", Until), ("untill", Until),
    ("around", Around), ("about", Around), ("approx", Around), ("approximately", Around),
    ("roughly", Around), ("ish", Around), ("gegen", Around), ("ca", Around), ("circa", Around),
    ("etwa", Around), ("ungefahr", Around), ("ungefaehr", Around), ("among", Around),
    ("latest", Latest), ("spatestens", Latest), ("spaetestens", Latest),
    ("earliest", Earliest), ("fruhestens", Earliest), ("fruehestens", Earliest),
    ("at", At), ("um", At), ("@", At),
    ("on", On), ("for", For), ("fur", For), ("fuer", For),
    ("in", In), ("im", In),
    ("and", And), ("und", And), ("or", And), ("oder", And),
    ("the", The), ("der", The), ("die", The), ("den", The), ("dem", The), ("das", The),
    ("a", A), ("an", A), ("ein", A), ("eine", A), ("einen", A), ("einer", A), ("einem", A),
    ("work", Work), ("arbeit", Work), ("job", Work),
    // units that make a number a quantity rather than a time or date
    ("minute", Minutes), ("minutes", Minutes), ("min", Minutes), ("mins", Minutes),
    ("minuten", Minutes),
    ("hour", Hours), ("hours", Hours), ("hr", Hours), ("hrs", Hours), ("stunde", Hours),
    ("stunden", Hours), ("std", Hours),
    ("people", People), ("persons", People), ("person", People), ("ppl", People), ("pax", People),
    ("personen", People), ("leute", People), ("kids", People), ("children", People),
    ("kinder", People), ("guys", People), ("adults", People), ("erwachsene", People),
    ("year", Year), ("years", Year), ("yrs", Year), ("jahr", Year), ("jahre", Year),
    ("jahren", Year),
]);

/// German ordinals inflect (erste, ersten, erster …); matching the stem after
/// stripping the ending covers every case without listing each form.
const GERMAN_ORDINAL_STEMS: [(&str, u8); 34] = [
    ("erst", 1),
    ("zweit", 2),
    ("dritt", 3),
    ("viert", 4),
    ("funft", 5),
    ("fuenft", 5),
    ("sechst", 6),
    ("siebt", 7),
    ("siebent", 7),
    ("acht", 8),
    ("neunt", 9),
    ("zehnt", 10),
    ("elft", 11),
    ("zwolft", 12),
    ("zwoelft", 12),
    ("dreizehnt", 13),
    ("vierzehnt", 14),
    ("funfzehnt", 15),
    ("fuenfzehnt", 15),
    ("sechzehnt", 16),
    ("siebzehnt", 17),
    ("achtzehnt", 18),
    ("neunzehnt", 19),
    ("zwanzigst", 20),
    ("einundzwanzigst", 21),
    ("zweiundzwanzigst", 22),
    ("dreiundzwanzigst", 23),
    ("vierundzwanzigst", 24),
    ("funfundzwanzigst", 25),
    ("sechsundzwanzigst", 26),
    ("siebenundzwanzigst", 27),
    ("achtundzwanzigst", 28),
    ("dreissigst", 30),
    ("einunddreissigst", 31),
];

fn german_ordinal(word: &str) -> Option<u8> {
    ["en", "er", "es", "em", "e"].iter().find_map(|ending| {
        let stem = word.strip_suffix(ending)?;
        GERMAN_ORDINAL_STEMS
            .iter()
            .find(|(s, _)| *s == stem)
            .map(|&(_, n)| n)
    })
}

/// Long temporal words worth recognising with one typo; short words are left
/// alone because a one-letter slip there usually makes another real word.
const FUZZY_TARGETS: [(&str, Lex); 42] = [
    ("monday", Weekday(0)),
    ("tuesday", Weekday(1)),
    ("wednesday", Weekday(2)),
    ("thursday", Weekday(3)),
    ("friday", Weekday(4)),
    ("saturday", Weekday(5)),
    ("sunday", Weekday(6)),
    ("montag", Weekday(0)),
    ("dienstag", Weekday(1)),
    ("mittwoch", Weekday(2)),
    ("donnerstag", Weekday(3)),
    ("freitag", Weekday(4)),
    ("samstag", Weekday(5)),
    ("sonntag", Weekday(6)),
    ("tomorrow", Tomorrow),
    ("morgen", Morgen),
    ("ubermorgen", Overmorrow),
    ("morning", Part(Morning)),
    ("afternoon", Part(Afternoon)),
    ("evening", Part(Evening)),
    ("vormittag", Part(Morning)),
    ("vormittags", Part(Morning)),
    ("nachmittag", Part(Afternoon)),
    ("nachmittags", Part(Afternoon)),
    ("january", Month(1)),
    ("february", Month(2)),
    ("september", Month(9)),
    ("october", Month(10)),
    ("november", Month(11)),
    ("december", Month(12)),
    ("januar", Month(1)),
    ("februar", Month(2)),
    ("oktober", Month(10)),
    ("dezember", Month(12)),
    ("quarter", Quarter),
    ("viertel", Viertel),
    ("tonight", Tonight),
    ("wochenende", Weekend),
    ("weekend", Weekend),
    ("uebermorgen", Overmorrow),
    ("yesterday", Yesterday),
    ("gestern", Yesterday),
];

/// Typos rarely hit the first letter, and the second one is either right or
/// swapped with the third; checking that first keeps unknown words cheap.
fn plausible_typo(word: &[u8], target: &[u8]) -> bool {
    word.len() >= 3
        && target.len() >= 3
        && word[0] == target[0]
        && (word[1] == target[1] || (word[1] == target[2] && word[2] == target[1]))
        && target.len().abs_diff(word.len()) <= 2
}

fn fuzzy(word: &str) -> Lex {
    FUZZY_TARGETS
        .iter()
        .filter(|(t, _)| plausible_typo(word.as_bytes(), t.as_bytes()))
        .find(|(t, _)| {
            let limit = if t.len() >= 8 && word.len() >= 7 {
                2
            } else {
                1
            };
            super::matching::osa_distance(word, t, limit) <= limit
        })
        .map_or(Lex::None, |&(_, lex)| lex)
}

/// Meaning of a word missing from every table: a German ordinal or a typo of
/// a long temporal word. `may_fuzz` is false for likely names ("Morgan").
pub(super) fn derived(word: &str, may_fuzz: bool) -> Lex {
    if let Some(n) = german_ordinal(word) {
        return Ordinal(n);
    }
    if may_fuzz && word.len() >= 5 && word.is_ascii() {
        return fuzzy(word);
    }
    Lex::None
}

#[cfg(test)]
pub(super) fn assert_strictly_sorted<T>(table: &[Entry<T>]) {
    for pair in table.windows(2) {
        assert!(pair[0].0 < pair[1].0, "{:?} / {:?}", pair[0].0, pair[1].0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_without_duplicates() {
        assert_strictly_sorted(&WORDS);
    }

    #[test]
    fn lookups() {
        let cases = [
            ("friday", Weekday(4)),
            ("freitg", Weekday(4)),
            ("mogren", Morgen),
            ("nachmitag", Part(Afternoon)),
            ("zweiten", Ordinal(2)),
            ("ersten", Ordinal(1)),
            ("acht", Number(8)),
            ("achten", Ordinal(8)),
            ("haircut", Lex::None),
            ("sorgen", Lex::None),
        ];
        for (word, want) in cases {
            let got = find(&WORDS, word).unwrap_or_else(|| derived(word, true));
            assert_eq!(got, want, "{word}");
        }
    }
}
