//! Table definitions shared by both backends. Only column types that SQLite and PostgreSQL both
//! support through diesel's `MultiConnection` appear here: flags are `Integer` 0/1 and enums are
//! `Text` guarded by CHECK constraints in the migrations.

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    businesses (id) {
        id -> Text,
        slug -> Text,
        name -> Text,
        time_zone -> Text,
        locale -> Text,
        address -> Text,
        phone -> Nullable<Text>,
        notification_email -> Nullable<Text>,
        slot_interval_minutes -> Integer,
        min_notice_minutes -> Integer,
        booking_horizon_days -> Integer,
        cancellation_cutoff_minutes -> Integer,
        api_key_hash -> Text,
        config_version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        hold_minutes -> Integer,
        handoff_timeout_minutes -> Integer,
        contact_requirement -> Text,
        reminder_offsets_minutes -> Text,
        privacy_url -> Nullable<Text>,
        transcript_retention_days -> Integer,
        manage_link_days -> Integer,
    }
}

diesel::table! {
    resources (id) {
        id -> Text,
        business_id -> Text,
        kind -> Text,
        name -> Text,
        email -> Nullable<Text>,
        active -> Integer,
        position -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        bookings_version -> BigInt,
    }
}

diesel::table! {
    working_hours (resource_id, weekday, start_minute) {
        resource_id -> Text,
        weekday -> Integer,
        start_minute -> Integer,
        end_minute -> Integer,
    }
}

diesel::table! {
    calendar_exceptions (id) {
        id -> Text,
        business_id -> Text,
        resource_id -> Nullable<Text>,
        first_date -> Date,
        last_date -> Date,
        hours -> Nullable<Text>,
        reason -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    services (id) {
        id -> Text,
        business_id -> Text,
        name -> Text,
        description -> Text,
        duration_minutes -> Integer,
        buffer_before_minutes -> Integer,
        buffer_after_minutes -> Integer,
        price_cents -> Nullable<BigInt>,
        currency -> Text,
        synonyms -> Text,
        active -> Integer,
        position -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    service_resources (service_id, resource_id) {
        service_id -> Text,
        resource_id -> Text,
    }
}

diesel::table! {
    customers (id) {
        id -> Text,
        business_id -> Text,
        name -> Text,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        erased_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    bookings (id) {
        id -> Text,
        business_id -> Text,
        reference -> Text,
        service_id -> Text,
        staff_id -> Text,
        customer_id -> Nullable<Text>,
        status -> Text,
        start_at -> Timestamp,
        end_at -> Timestamp,
        buffer_before_minutes -> Integer,
        buffer_after_minutes -> Integer,
        hold_expires_at -> Nullable<Timestamp>,
        channel -> Text,
        notes -> Text,
        sequence -> Integer,
        cancelled_at -> Nullable<Timestamp>,
        cancelled_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        arrived_at -> Nullable<Timestamp>,
        attendance_confirmed_at -> Nullable<Timestamp>,
        customer_name -> Text,
        customer_phone -> Nullable<Text>,
        customer_email -> Nullable<Text>,
        conversation_id -> Nullable<Text>,
        held_by -> Nullable<Text>,
        manage_version -> Integer,
    }
}

diesel::table! {
    allocations (booking_id, resource_id) {
        booking_id -> Text,
        resource_id -> Text,
        occupied_from -> Timestamp,
        occupied_until -> Timestamp,
        hold_expires_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(resources -> businesses (business_id));
diesel::joinable!(working_hours -> resources (resource_id));
diesel::joinable!(calendar_exceptions -> businesses (business_id));
diesel::joinable!(services -> businesses (business_id));
diesel::joinable!(service_resources -> services (service_id));
diesel::joinable!(service_resources -> resources (resource_id));
diesel::joinable!(customers -> businesses (business_id));
diesel::joinable!(bookings -> businesses (business_id));
diesel::joinable!(bookings -> services (service_id));
diesel::joinable!(bookings -> resources (staff_id));
diesel::joinable!(bookings -> customers (customer_id));
diesel::joinable!(allocations -> bookings (booking_id));
diesel::joinable!(allocations -> resources (resource_id));

diesel::table! {
    jobs (id) {
        id -> Text,
        business_id -> Nullable<Text>,
        kind -> Text,
        payload -> Text,
        dedupe_key -> Nullable<Text>,
        status -> Text,
        run_at -> Timestamp,
        attempts -> Integer,
        max_attempts -> Integer,
        locked_until -> Nullable<Timestamp>,
        locked_by -> Nullable<Text>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
        started_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    conversations (id) {
        id -> Text,
        business_id -> Text,
        channel -> Text,
        external_key -> Text,
        customer_id -> Nullable<Text>,
        locale -> Nullable<Text>,
        owner -> Text,
        handed_off_at -> Nullable<Timestamp>,
        state -> Text,
        last_inbound_at -> Nullable<Timestamp>,
        last_outbound_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        privacy_request_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    conversation_messages (id) {
        id -> Text,
        conversation_id -> Text,
        direction -> Text,
        author -> Text,
        external_id -> Nullable<Text>,
        text -> Text,
        payload -> Nullable<Text>,
        choices -> Nullable<Text>,
        created_at -> Timestamp,
        in_reply_to -> Nullable<Text>,
        purpose -> Text,
        template -> Nullable<Text>,
        send_started_at -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        platform_message_id -> Nullable<Text>,
        delivery_error -> Nullable<Text>,
    }
}

diesel::table! {
    customer_questions (id) {
        id -> Text,
        business_id -> Text,
        position -> Integer,
        prompt_en -> Text,
        prompt_de -> Text,
        kind -> Text,
        active -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    faq_entries (id) {
        id -> Text,
        business_id -> Text,
        position -> Integer,
        translations -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    booking_answers (booking_id, question_id) {
        booking_id -> Text,
        question_id -> Text,
        customer_id -> Nullable<Text>,
        question -> Text,
        answer -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(jobs -> businesses (business_id));
diesel::joinable!(conversations -> businesses (business_id));
diesel::joinable!(conversations -> customers (customer_id));
diesel::joinable!(conversation_messages -> conversations (conversation_id));
diesel::joinable!(customer_questions -> businesses (business_id));
diesel::joinable!(faq_entries -> businesses (business_id));
diesel::joinable!(booking_answers -> bookings (booking_id));
diesel::joinable!(booking_answers -> customer_questions (question_id));

diesel::table! {
    users (id) {
        id -> Text,
        business_id -> Text,
        email -> Text,
        name -> Text,
        role -> Text,
        password_hash -> Text,
        active -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        csrf_token -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    password_resets (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(users -> businesses (business_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(password_resets -> users (user_id));

diesel::table! {
    calendar_feeds (staff_id) {
        staff_id -> Text,
        business_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(calendar_feeds -> resources (staff_id));

diesel::table! {
    channel_connections (id) {
        id -> Text,
        business_id -> Text,
        platform -> Text,
        routing_key -> Nullable<Text>,
        settings -> Text,
        secrets -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        claimed_key -> Nullable<Text>,
        version -> BigInt,
    }
}

diesel::joinable!(channel_connections -> businesses (business_id));

diesel::table! {
    customer_identities (business_id, kind, value) {
        business_id -> Text,
        kind -> Text,
        value -> Text,
        customer_id -> Text,
        verified_at -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::table! {
    verification_codes (id) {
        id -> Text,
        business_id -> Text,
        conversation_id -> Text,
        contact_kind -> Text,
        contact_value -> Text,
        code_hash -> Text,
        attempts -> Integer,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        consumed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    used_chat_links (token_hash) {
        token_hash -> Text,
        business_id -> Text,
        used_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    attempts (id) {
        id -> Text,
        subject -> Text,
        at -> Timestamp,
    }
}

diesel::joinable!(customer_identities -> customers (customer_id));
diesel::joinable!(verification_codes -> conversations (conversation_id));

diesel::table! {
    rate_buckets (subject) {
        subject -> Text,
        tat_us -> BigInt,
        advance_us -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    settings,
    businesses,
    resources,
    working_hours,
    calendar_exceptions,
    services,
    service_resources,
    customers,
    bookings,
    allocations,
    jobs,
    conversations,
    conversation_messages,
    customer_questions,
    faq_entries,
    booking_answers,
    users,
    sessions,
    password_resets,
    calendar_feeds,
    channel_connections,
    customer_identities,
    verification_codes,
    used_chat_links,
    attempts,
    rate_buckets,
);
