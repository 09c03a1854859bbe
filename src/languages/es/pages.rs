//! The customer pages in Spanish, with "tú" as in the chat.

use crate::languages::pages::{BookingStatusNames, ChatPageTexts, ManagePageTexts, PageTexts};

pub(super) const PAGES: PageTexts = PageTexts {
    chat: ChatPageTexts {
        title: "Pedir cita",
        widget_button: "Pedir cita",
        subtitle: "Reserva, cambia o cancela tu cita",
        input_label: "Tu mensaje",
        input_placeholder: "p. ej., un corte mañana a las 5",
        send: "Enviar",
        link: "Gestionar tu cita",
        choices: "Opciones",
        staff: "Equipo",
        unreachable: "No hemos podido conectar. Inténtalo de nuevo en un momento.",
        opened_from_link: "Abierto desde un enlace",
        hello: "Hola",
    },
    manage: ManagePageTexts {
        title: "Tu cita",
        loading: "Cargando…",
        service: "Servicio",
        staff: "Con",
        when: "Cuándo",
        reference: "Número de reserva",
        status: "Estado",
        move_heading: "Cambiar la hora",
        day: "Día",
        no_times: "Ese día no hay horas libres.",
        cancel_heading: "Cancelar",
        cancel: "Cancelar esta cita",
        cancel_sure: "¿Seguro que quieres cancelar esta cita?",
        cancelled: "Tu cita está cancelada.",
        moved: "Tu cita se ha cambiado.",
        not_found: "No hemos encontrado esta cita, o el enlace no es válido.",
        date_locale: "es-ES",
        statuses: BookingStatusNames {
            held: "reservada provisionalmente",
            confirmed: "confirmada",
            cancelled: "cancelada",
            completed: "realizada",
            no_show: "no presentado",
            expired: "caducada",
        },
    },
};
