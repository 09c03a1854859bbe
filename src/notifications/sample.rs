//! A booking with its business, service and customer, as the notification tests render it: a
//! Düsseldorf salon whose names need escaping in every format, on the night clocks go forward.

use chrono::{TimeZone, Utc};

use crate::details::{BookingContact, BookingDetails, BusinessProfile};
use crate::domain::BookingPolicy;
use crate::languages::Locale;
use crate::storage::models::Booking;

pub(super) fn details(status: &str) -> BookingDetails {
    let at = |h| {
        Utc.with_ymd_and_hms(2027, 3, 28, h, 30, 0)
            .unwrap()
            .naive_utc()
    };
    BookingDetails {
        booking: Booking {
            id: "b1".into(),
            business_id: "biz".into(),
            reference: "K7Q-4MX".into(),
            service_id: "s".into(),
            staff_id: "st".into(),
            customer_id: Some("c".into()),
            status: status.into(),
            start_at: at(0),
            end_at: at(2),
            buffer_before_minutes: 0,
            buffer_after_minutes: 0,
            hold_expires_at: None,
            channel: "web".into(),
            notes: String::new(),
            sequence: 3,
            cancelled_at: None,
            cancelled_by: None,
            created_at: at(0),
            updated_at: at(0),
            arrived_at: None,
            attendance_confirmed_at: None,
            customer_name: "Jürgen".into(),
            customer_phone: None,
            customer_email: Some("j@example.com".into()),
            conversation_id: None,
            held_by: None,
            manage_version: 0,
        },
        business: BusinessProfile {
            id: "biz".into(),
            slug: "salon".into(),
            name: "Salon Schöne Grüße; Haar, Bart & Söhne".into(),
            tz: "Europe/Berlin".parse().unwrap(),
            locale: Locale::De,
            address: "Königsallee 100, 40212 Düsseldorf, Hinterhaus, dritter Stock links".into(),
            phone: None,
            notification_email: Some("desk@salon.example".into()),
            policy: BookingPolicy::default(),
            chat: crate::domain::ChatPolicy::default(),
            config_version: 1,
            privacy_url: None,
            manage_link_days: 30,
            reminder_offsets_minutes: vec![24 * 60],
        },
        service_name: "Färben".into(),
        staff_name: "Sam".into(),
        customer: Some(BookingContact {
            name: "Jürgen".into(),
            phone: None,
            email: Some("j@example.com".into()),
        }),
    }
}
