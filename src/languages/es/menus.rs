//! What the platforms' menus say in Spanish: "tú", as the chat talks to customers.

use crate::languages::menus::Menus;

pub(super) const MENUS: Menus = Menus {
    greeting: "¡Hola, {first_name}! Pide tu cita en {business} aquí mismo, cuando quieras.",
    greeting_short: "¡Hola, {first_name}! Pide tu cita aquí mismo, cuando quieras.",
    ask_book: "Quiero pedir cita",
    ask_prices: "¿Cuáles son los precios?",
    ask_hours: "¿Cuál es el horario?",
    ask_human: "Quiero hablar con una persona",
    command_book: "Pedir cita",
    command_prices: "Servicios y precios",
    command_hours: "Horario",
    command_my_bookings: "Ver, cambiar o cancelar tus citas",
    description: "Pide tu cita en {business} por chat, cuando quieras: escríbenos aquí. De la misma forma puedes cambiar o cancelar tus citas.",
};
