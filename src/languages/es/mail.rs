//! The emails about a booking, in Spanish, addressing the customer as "usted".

use crate::languages::mail::MailTexts;

pub(super) const MAIL: MailTexts = MailTexts {
    greeting_customer: "Hola, {customer}:",
    greeting_business: "{business}:",

    confirmed_subject: "Cita confirmada: {service} el {date}",
    confirmed_opening: "Su cita en {business} está confirmada.",
    rescheduled_subject: "Cita cambiada: {service}, ahora el {date}",
    rescheduled_opening: "Su cita en {business} se ha cambiado a una nueva hora.",
    cancelled_subject: "Cita cancelada: {service} el {date}",
    cancelled_opening: "Su cita en {business} se ha cancelado.",
    reminder_subject: "Recordatorio: {service} en {business} el {date}",
    reminder_opening: "Le recordamos su cita en {business}.",
    new_link_subject: "Nuevo enlace para su cita: {service} el {date}",
    new_link_opening: "{business} ha dado un nuevo enlace a su cita; el anterior ya no funciona.",

    business_confirmed_subject: "Nueva reserva: {customer}, {service} el {date}",
    business_confirmed_opening: "{customer} ha reservado.",
    business_rescheduled_subject: "Reserva cambiada: {customer}, {service}, ahora el {date}",
    business_rescheduled_opening: "La reserva de {customer} se ha cambiado.",
    business_cancelled_subject: "Reserva cancelada: {customer}, {service} el {date}",
    business_cancelled_opening: "La reserva de {customer} se ha cancelado.",
    business_reminder_subject: "Próximamente: {customer}, {service} el {date}",
    business_reminder_opening: "{customer} viene pronto.",

    service_label: "Servicio",
    staff_label: "Con",
    when_label: "Cuándo",
    place_label: "Dónde",
    reference_label: "Número de reserva",
    customer_label: "Cliente",
    notes_label: "Notas",
    manage_link: "Ver, cambiar o cancelar su cita",
    chat_link: "Escríbanos por chat (sabremos que es usted)",

    when: "{date}, de {from} a {until} ({zone}, UTC{offset})",
};
