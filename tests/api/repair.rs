//! Changing one thing while keeping the rest, through the web chat on both backends: the
//! dialogue's repairs (tried in depth against the in-memory desk) with the real holds, the
//! stored state and the move of a booking just made.

use serde_json::Value;

use crate::chat::{Chat, barber, bookings, choices, text};
use crate::helpers::*;
use crate::on_both_backends;

async fn with_status(app: &TestApp, key: &str, status: &str) -> Vec<Value> {
    bookings(app, key)
        .await
        .into_iter()
        .filter(|b| b["status"] == status)
        .collect()
}

on_both_backends! {
    async fn repair_switches_staff_and_keeps_day_and_time(app: TestApp) {
        let shop = barber(&app).await;
        let mut chat = Chat::new(&app, "repair");
        let replies = chat.say("haircut with Sam tomorrow at 3pm").await;
        assert!(text(&replies).contains("holding Haircut with Sam on Tuesday 2 March at 15:00"), "{}", text(&replies));

        let replies = chat.say("and with Alex?").await;
        let said = text(&replies);
        assert!(said.contains("holding Haircut with Alex on Tuesday 2 March at 15:00"), "{said}");
        assert!(said.contains("your name"), "{said}");
        let held = with_status(&app, &shop.key, "held").await;
        assert_eq!(held.len(), 1, "Sam's hold is released: {held:?}");
        assert_eq!((held[0]["staff_id"].as_str(), held[0]["start"].as_str()), (Some(shop.alex.as_str()), Some("2027-03-02T15:00:00+01:00")));

        // Asked for the name, a change of time is a change, not a name.
        let replies = chat.say("actually, an hour later please").await;
        assert!(text(&replies).contains("holding Haircut with Alex on Tuesday 2 March at 16:00"), "{}", text(&replies));
        chat.say("Kim Novak").await;
        let replies = chat.say("kim@example.com").await;
        assert!(text(&replies).contains("Shall I book it?"), "{}", text(&replies));
        let replies = chat.say("yes").await;
        assert!(text(&replies).contains("You're booked!"), "{}", text(&replies));

        // A change of mind right after booking moves that booking, kept with Alex at 16:00.
        let replies = chat.say("can I come the day after tomorrow instead?").await;
        let said = text(&replies);
        assert!(said.contains("Move your appointment from Tuesday 2 March at 16:00 to Wednesday 3 March at 16:00?"), "{said}");
        let replies = chat.say("yes").await;
        assert!(text(&replies).contains("Moved!"), "{}", text(&replies));
        let all = bookings(&app, &shop.key).await;
        let live: Vec<&Value> = all.iter().filter(|b| b["status"] == "confirmed").collect();
        assert_eq!(live.len(), 1, "{all:?}");
        assert_eq!((live[0]["staff_id"].as_str(), live[0]["start"].as_str()), (Some(shop.alex.as_str()), Some("2027-03-03T16:00:00+01:00")));
    }

    async fn a_staff_members_day_off_is_said_never_taken(app: TestApp) {
        let shop = barber(&app).await;
        let mut chat = Chat::new(&app, "day-off");
        let replies = chat.say("haircut with Sam on Sunday at 10").await;
        let said = text(&replies);
        assert!(said.contains("Sam doesn't work on Sundays."), "{said}");
        assert!(said.contains("The nearest free times with Sam:"), "{said}");
        assert!(!said.contains("taken"), "{said}");
        let offered = choices(&replies);
        assert!(offered.iter().any(|(title, _)| title == "Sat 6 Mar 10:00"), "{offered:?}");
        assert!(offered.iter().any(|(title, _)| title == "Mon 8 Mar 10:00"), "{offered:?}");
        assert!(with_status(&app, &shop.key, "held").await.is_empty());
    }
}
