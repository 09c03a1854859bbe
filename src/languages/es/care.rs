//! Lo que el chat responde a las preguntas, en español.

use crate::languages::care::CareTexts;

pub(super) const CARE: CareTexts = CareTexts {
    money: "{amount} {symbol}",
    decimal_separator: ",",
    minutes: "{minutes} min",
    hours: "{hours} h",
    hours_minutes: "{hours} h {minutes} min",
    span: "{from}–{to}",
    and: " y ",
    day_run: "{first} a {last}",

    price: "{service} cuesta {price} y dura {duration}.",
    price_unlisted: "{service} dura {duration}. No tengo el precio aquí; el equipo te lo puede decir.",
    price_by_staff: "Con {staff}: {price}.",
    price_list: "Nuestros precios:",
    price_line: "{service}: {price}, {duration}",
    price_line_unlisted: "{service}: {duration} (precio a consultar)",
    duration: "{service} dura unos {duration}.",
    duration_list: "Lo que dura cada servicio:",
    duration_line: "{service}: {duration}",
    offered: "Sí, hacemos {service} ({price}).",
    offered_unlisted: "Sí, hacemos {service}.",
    closest: "Eso no está tal cual en nuestra lista. Lo más parecido que ofrecemos es {service}.",
    service_list: "Esto es lo que ofrecemos:",

    open_on: "El {date} abrimos {hours}.",
    closed_on: "El {date} está cerrado.",
    open_now: "Sí, ahora estamos abiertos, hasta las {until}.",
    closed_now: "Ahora mismo está cerrado. Volvemos a abrir el {when}.",
    closed_for_now: "Ahora mismo está cerrado y no hay horario puesto para las próximas semanas.",
    week: "Nuestro horario:",
    week_line: "{days}: {hours}",
    week_closed: "{days}: cerrado",
    closures_ahead: "Cerrado: {dates}.",

    address: "Estamos en {address}.\nMapa: {map}",
    phone: "Puedes llamarnos al {phone}.",
    website: "Puedes reservar online cuando quieras aquí: {url}",
    not_listed: "Eso no lo tengo aquí. ¿Se lo pregunto al equipo?",

    staff_works: "{staff} trabaja el {date}, {hours}.",
    staff_off: "{staff} no está el {date}.",
    staff_week: "{staff} suele trabajar {days}.",
    staff_no_days: "{staff} no tiene días de trabajo puestos ahora mismo.",
    who_works: "El {date} trabajan:",
    staff_line: "{staff}: {hours}",

    cancellation: "Puedes cancelar o cambiar una cita tú mismo hasta {cutoff} antes de que empiece.",
    cancellation_any_time: "Puedes cancelar o cambiar una cita tú mismo en cualquier momento antes de que empiece.",
    horizon: "Puedes reservar con hasta {days} días de antelación, y como tarde {notice} antes de la cita.",
    reminders: "Te enviamos un recordatorio {offsets} antes de la cita.",
    no_reminders: "No enviamos recordatorios, pero la confirmación lleva un archivo de calendario para tu móvil.",

    dont_know: "Eso no lo sé. ¿Se lo pregunto al equipo?",
    asked_team: "He pasado tu pregunta al equipo. Te responderán aquí lo antes posible.",
    too_far: "Eso es más adelante de lo que planificamos: aceptamos reservas con hasta {days} días de antelación.",

    button_book_service: "Reservar {service}",
    button_times: "Horas {date}",
    button_prices: "Precios",
    button_hours: "Horario",
    button_ask_team: "Preguntar al equipo",
};
