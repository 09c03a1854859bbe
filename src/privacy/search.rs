//! Finding a person among customer records and unlinked bookings.

use std::collections::BTreeMap;

use crate::customers::{self, Identity, Region};
use crate::domain::{EmailAddress, PhoneNumber, ValidationError};
use crate::storage::models::{Booking, Business, Customer, CustomerIdentity};
use crate::storage::{DbConnection, StorageResult, customers as records, identities, privacy};

/// What the owner typed, read as the kind of contact it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchQuery {
    Name(String),
    Phone(PhoneNumber),
    Email(EmailAddress),
}

impl SearchQuery {
    /// An `@` makes an email address; digits (with the punctuation people type and an optional
    /// `+`) make a phone number; anything else of at least two letters is part of a name.
    pub fn parse(field: &str, raw: &str) -> Result<Self, ValidationError> {
        let raw = raw.trim();
        if raw.chars().count() < 2 {
            return Err(ValidationError::new(
                field,
                "type at least two characters of a name, a phone number or an email address",
            ));
        }
        if raw.chars().count() > 254 {
            return Err(ValidationError::new(field, "is longer than 254 characters"));
        }
        if raw.contains('@') {
            return EmailAddress::parse(field, raw).map(Self::Email);
        }
        let looks_like_phone = raw
            .chars()
            .all(|c| c.is_ascii_digit() || " +-.()/".contains(c));
        if looks_like_phone {
            return PhoneNumber::parse(field, raw).map(Self::Phone);
        }
        Ok(Self::Name(raw.to_owned()))
    }
}

/// A customer record that matched, with what staff need to recognise them.
#[derive(Debug, Clone)]
pub struct FoundCustomer {
    pub customer: Customer,
    pub identities: Vec<CustomerIdentity>,
    pub visits: i64,
}

/// What a search found: records, and bookings linked to none that carry the contact.
#[derive(Debug, Clone, Default)]
pub struct Found {
    pub customers: Vec<FoundCustomer>,
    pub unlinked_bookings: Vec<Booking>,
}

pub fn search(
    conn: &mut DbConnection,
    business: &Business,
    query: &SearchQuery,
) -> StorageResult<Found> {
    let (matched, mut unlinked) = match query {
        SearchQuery::Name(name) => (
            privacy::customers_named(conn, &business.id, name)?,
            privacy::unlinked_named(conn, &business.id, name)?,
        ),
        SearchQuery::Phone(phone) => {
            let region = customers::region_of(conn, &business.id, business.phone.as_deref())?;
            let identity = Identity::phone(phone, region);
            named_by(conn, business, &identity, region)?
        }
        SearchQuery::Email(email) => {
            named_by(conn, business, &Identity::email(email), Region::default())?
        }
    };
    unlinked.sort_by_key(|b| std::cmp::Reverse(b.start_at));
    let ids: Vec<String> = matched.iter().map(|c| c.id.clone()).collect();
    let visits: BTreeMap<String, i64> = privacy::visits(conn, &ids)?.into_iter().collect();
    let mut found = Vec::with_capacity(matched.len());
    for customer in matched {
        found.push(FoundCustomer {
            identities: identities::of_customer(conn, &customer.id)?,
            visits: visits.get(&customer.id).copied().unwrap_or(0),
            customer,
        });
    }
    Ok(Found {
        customers: found,
        unlinked_bookings: unlinked,
    })
}

/// The records a phone number or email address names — proven by it, or carrying it — and
/// the unlinked bookings whose contact names it.
fn named_by(
    conn: &mut DbConnection,
    business: &Business,
    identity: &Identity,
    region: Region,
) -> StorageResult<(Vec<Customer>, Vec<Booking>)> {
    let mut matched: Vec<Customer> = privacy::customers_with_contact(
        conn,
        &business.id,
        identity.phone_tail().as_deref(),
        (identity.kind == customers::IdentityKind::Email).then_some(identity.value.as_str()),
    )?
    .into_iter()
    .filter(|c| identity.matches_contact(c.phone.as_deref(), c.email.as_deref(), region))
    .collect();
    if let Some(proven) =
        identities::customer_of(conn, &business.id, identity.kind.as_str(), &identity.value)?
        && !matched.iter().any(|c| c.id == proven)
        && let Some(customer) = records::find(conn, &business.id, &proven)?
        && customer.erased_at.is_none()
    {
        matched.push(customer);
    }
    matched.sort_by(|a, b| a.name.cmp(&b.name));
    let unlinked = customers::bookings_naming(conn, &business.id, identity, region)?;
    Ok((matched, unlinked))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_read_as_the_contact_they_are() {
        assert!(matches!(
            SearchQuery::parse("q", " Vera.V@Example.com "),
            Ok(SearchQuery::Email(e)) if e.as_str() == "Vera.V@example.com"
        ));
        assert!(matches!(
            SearchQuery::parse("q", "+49 (170) 123-4567"),
            Ok(SearchQuery::Phone(p)) if p.as_str() == "+491701234567"
        ));
        assert_eq!(
            SearchQuery::parse("q", "vera"),
            Ok(SearchQuery::Name("vera".to_owned()))
        );
        assert!(SearchQuery::parse("q", "v").is_err());
        assert!(SearchQuery::parse("q", "12").is_err());
        assert!(SearchQuery::parse("q", "not@an address").is_err());
    }
}
