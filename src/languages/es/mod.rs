//! Spanish. Customers are addressed with "usted" in emails and "tú" in the chat, as Spanish
//! barbers and salons write on WhatsApp.

mod words;

use super::{Language, Locale};

pub(super) const LANGUAGE: Language = Language {
    locale: Locale::Es,
    code: "es",
    name: "Español",
    aliases: &[
        "spa",
        "spanish",
        "spanisch",
        "espanol",
        "español",
        "castellano",
    ],
    weekdays: [
        "lunes",
        "martes",
        "miércoles",
        "jueves",
        "viernes",
        "sábado",
        "domingo",
    ],
    months: [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    vocabulary: &words::VOCABULARY,
};
