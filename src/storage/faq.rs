//! The business's own questions and answers.

use diesel::prelude::*;

use super::models::FaqRow;
use super::schema::faq_entries;
use super::{DbConnection, StorageResult};

pub fn all_of(conn: &mut DbConnection, business_id: &str) -> StorageResult<Vec<FaqRow>> {
    Ok(faq_entries::table
        .filter(faq_entries::business_id.eq(business_id))
        .order((faq_entries::position, faq_entries::created_at))
        .select(FaqRow::as_select())
        .load(conn)?)
}

pub fn find(conn: &mut DbConnection, business_id: &str, id: &str) -> StorageResult<Option<FaqRow>> {
    Ok(faq_entries::table
        .filter(faq_entries::id.eq(id))
        .filter(faq_entries::business_id.eq(business_id))
        .select(FaqRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn insert(conn: &mut DbConnection, entry: &FaqRow) -> StorageResult<()> {
    diesel::insert_into(faq_entries::table)
        .values(entry)
        .execute(conn)?;
    Ok(())
}

pub fn save(conn: &mut DbConnection, entry: &FaqRow) -> StorageResult<()> {
    diesel::update(faq_entries::table.find(&entry.id))
        .set((
            faq_entries::position.eq(entry.position),
            faq_entries::translations.eq(&entry.translations),
            faq_entries::updated_at.eq(entry.updated_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Whether an entry was there to delete.
pub fn delete(conn: &mut DbConnection, business_id: &str, id: &str) -> StorageResult<bool> {
    let deleted = diesel::delete(
        faq_entries::table
            .filter(faq_entries::id.eq(id))
            .filter(faq_entries::business_id.eq(business_id)),
    )
    .execute(conn)?;
    Ok(deleted > 0)
}
