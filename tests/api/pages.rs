//! The customer pages in the browser's language: the chat and manage pages with their words
//! written in for it, the widget's script with every language's label for its button, and the
//! owner's choice of every language for the business.

use serde_json::json;

use crate::helpers::*;
use crate::on_both_backends;

/// A page as a browser preferring `accept_language` gets it: status, `Vary` and body.
async fn page(app: &TestApp, path: &str, accept_language: Option<&str>) -> (u16, String, String) {
    let mut request = app.client.get(app.url(path));
    if let Some(languages) = accept_language {
        request = request.header("accept-language", languages);
    }
    let response = request.send().await.expect("the page answers");
    let status = response.status().as_u16();
    let vary = response
        .headers()
        .get("vary")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, vary, response.text().await.expect("a body"))
}

on_both_backends! {
    async fn customer_pages_speak_the_browsers_language(app: TestApp) {
        app.create_business("barber", "Europe/Berlin", json!({})).await;

        let (status, vary, chat) = page(&app, "/b/barber/chat", Some("es-ES,es;q=0.9,en;q=0.8")).await;
        assert_eq!((status, vary.as_str()), (200, "accept-language"));
        for needle in ["<html lang=\"es\">", "<title>Pedir cita</title>", ">Reserva, cambia o cancela tu cita<",
            "placeholder=\"p. ej., un corte mañana a las 5\"", ">Enviar</button>", "\"hello\":\"Hola\"", ">barber shop</h1>"] {
            assert!(chat.contains(needle), "{needle:?} missing from\n{chat}");
        }
        assert!(!chat.contains("{{"), "{chat}");

        let (_, _, chat) = page(&app, "/b/barber/chat", Some("de-AT")).await;
        assert!(chat.contains("<html lang=\"de\">") && chat.contains(">Termine buchen, verschieben oder absagen<"), "{chat}");
        for unknown in [Some("fr-FR,fr;q=0.9"), None] {
            let (_, _, chat) = page(&app, "/b/barber/chat", unknown).await;
            assert!(chat.contains("<html lang=\"en\">") && chat.contains(">Book, move or cancel an appointment<"), "{chat}");
        }

        let (status, _, manage) = page(&app, "/b/barber/manage/some-booking", Some("es")).await;
        assert_eq!(status, 200);
        for needle in ["<title>Tu cita</title>", ">Cambiar la hora<", ">Cancelar esta cita<", "\"confirmed\":\"confirmada\"",
            "\"date_locale\":\"es-ES\"", "data-booking=\"some-booking\""] {
            assert!(manage.contains(needle), "{needle:?} missing from\n{manage}");
        }
        assert!(!manage.contains("{{"), "{manage}");
        assert_eq!(page(&app, "/b/nobody/chat", Some("es")).await.0, 404);

        // The widget chooses on the business's own site, where it may fetch nothing.
        let (status, _, widget) = page(&app, "/static/chat/widget.js", None).await;
        assert_eq!(status, 200);
        for label in ["\"en\":\"Book an appointment\"", "\"de\":\"Termin buchen\"", "\"es\":\"Pedir cita\""] {
            assert!(widget.contains(label), "{label} missing from\n{widget}");
        }
        assert!(!widget.contains("/* labels */"), "{widget}");

        let (_, _, settings) = page(&app, "/staff/settings", None).await;
        for option in ["<option value=\"en\">English</option>", "<option value=\"de\">Deutsch</option>", "<option value=\"es\">Español</option>"] {
            assert!(settings.contains(option), "{option} missing from the settings page");
        }
    }
}
