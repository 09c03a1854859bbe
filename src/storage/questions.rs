//! The business's standard questions and the answers given to them.

use diesel::prelude::*;

use super::models::{BookingAnswer, CustomerQuestion};
use super::schema::{booking_answers, bookings, customer_questions};
use super::{DbConnection, StorageResult};

pub fn active_of(
    conn: &mut DbConnection,
    business_id: &str,
) -> StorageResult<Vec<CustomerQuestion>> {
    Ok(customer_questions::table
        .filter(customer_questions::business_id.eq(business_id))
        .filter(customer_questions::active.eq(1))
        .order((customer_questions::position, customer_questions::created_at))
        .select(CustomerQuestion::as_select())
        .load(conn)?)
}

pub fn all_of(conn: &mut DbConnection, business_id: &str) -> StorageResult<Vec<CustomerQuestion>> {
    Ok(customer_questions::table
        .filter(customer_questions::business_id.eq(business_id))
        .order((customer_questions::position, customer_questions::created_at))
        .select(CustomerQuestion::as_select())
        .load(conn)?)
}

pub fn find(
    conn: &mut DbConnection,
    business_id: &str,
    id: &str,
) -> StorageResult<Option<CustomerQuestion>> {
    Ok(customer_questions::table
        .filter(customer_questions::id.eq(id))
        .filter(customer_questions::business_id.eq(business_id))
        .select(CustomerQuestion::as_select())
        .first(conn)
        .optional()?)
}

pub fn insert(conn: &mut DbConnection, question: &CustomerQuestion) -> StorageResult<()> {
    diesel::insert_into(customer_questions::table)
        .values(question)
        .execute(conn)?;
    Ok(())
}

pub fn save(conn: &mut DbConnection, question: &CustomerQuestion) -> StorageResult<()> {
    diesel::update(customer_questions::table.find(&question.id))
        .set((
            customer_questions::position.eq(question.position),
            customer_questions::prompt_en.eq(&question.prompt_en),
            customer_questions::prompt_de.eq(&question.prompt_de),
            customer_questions::kind.eq(&question.kind),
            customer_questions::active.eq(question.active),
            customer_questions::updated_at.eq(question.updated_at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn add_answer(conn: &mut DbConnection, answer: &BookingAnswer) -> StorageResult<()> {
    diesel::insert_into(booking_answers::table)
        .values(answer)
        .execute(conn)?;
    Ok(())
}

/// The ids of the questions answered before on bookings made in this conversation, or by its
/// proven customer on any booking.
pub fn answered_in(
    conn: &mut DbConnection,
    conversation_id: &str,
    customer_id: Option<&str>,
) -> StorageResult<Vec<String>> {
    let made_here = bookings::table
        .filter(bookings::conversation_id.eq(conversation_id))
        .select(bookings::id);
    let mut ids: Vec<String> = booking_answers::table
        .filter(booking_answers::booking_id.eq_any(made_here))
        .select(booking_answers::question_id)
        .distinct()
        .load(conn)?;
    if let Some(customer) = customer_id {
        ids.extend(
            booking_answers::table
                .filter(booking_answers::customer_id.eq(customer))
                .select(booking_answers::question_id)
                .distinct()
                .load::<String>(conn)?,
        );
    }
    Ok(ids)
}

pub fn answers_of(conn: &mut DbConnection, booking_id: &str) -> StorageResult<Vec<BookingAnswer>> {
    Ok(booking_answers::table
        .filter(booking_answers::booking_id.eq(booking_id))
        .order(booking_answers::created_at)
        .select(BookingAnswer::as_select())
        .load(conn)?)
}
