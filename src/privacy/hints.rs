//! Hints in the staff views: a booking linked to no customer whose contact names a known one.
//! A hint only informs — a typed number proves nothing — and staff merge by hand if they agree.

use std::collections::HashMap;

use crate::customers::{self, Identity, IdentityKind, Region};
use crate::domain::{EmailAddress, PhoneNumber};
use crate::storage::models::{Booking, Business, Customer};
use crate::storage::{DbConnection, StorageResult, customers as records, privacy};

/// "Same phone as Vera V., 4 visits".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub customer_id: String,
    /// The first name and the initial of the last: enough to recognise, not to spell out.
    pub short_name: String,
    pub visits: i64,
    /// Which contact point matched: a phone number, else an email address.
    pub matched: IdentityKind,
}

impl Hint {
    pub fn text(&self) -> String {
        let what = match self.matched {
            IdentityKind::Email => "email",
            _ => "phone",
        };
        let visits = match self.visits {
            1 => "1 visit".to_owned(),
            n => format!("{n} visits"),
        };
        format!("same {what} as {}, {visits}", self.short_name)
    }
}

/// The hints for those of `bookings` that are linked to nobody, by booking id.
pub fn hints_for(
    conn: &mut DbConnection,
    business: &Business,
    bookings: &[Booking],
) -> StorageResult<HashMap<String, Hint>> {
    let unlinked: Vec<&Booking> = bookings
        .iter()
        .filter(|b| b.customer_id.is_none())
        .collect();
    if unlinked.is_empty() {
        return Ok(HashMap::new());
    }
    let region = customers::region_of(conn, &business.id, business.phone.as_deref())?;
    let contacts: Vec<(&Booking, Vec<Identity>)> = unlinked
        .into_iter()
        .map(|b| (b, identities_of(b, region)))
        .filter(|(_, ids)| !ids.is_empty())
        .collect();
    let values = |kind: IdentityKind| -> Vec<String> {
        contacts
            .iter()
            .flat_map(|(_, ids)| ids.iter().filter(|i| i.kind == kind))
            .map(|i| i.value.clone())
            .collect()
    };
    let (phones, emails) = (values(IdentityKind::Phone), values(IdentityKind::Email));
    // Proven identities first; then records whose stored contact is the same.
    let mut owners: Vec<(IdentityKind, String, String)> = Vec::new();
    for (kind, values) in [
        (IdentityKind::Phone, &phones),
        (IdentityKind::Email, &emails),
    ] {
        for (value, customer) in
            privacy::customers_proven_by(conn, &business.id, kind.as_str(), values)?
        {
            owners.push((kind, value, customer));
        }
    }
    let mut known: Vec<Customer> =
        privacy::customers_with_contacts(conn, &business.id, &phones, &emails)?;
    for customer in &known {
        if let Some(phone) = &customer.phone {
            owners.push((IdentityKind::Phone, phone.clone(), customer.id.clone()));
        }
        if let Some(email) = &customer.email {
            owners.push((
                IdentityKind::Email,
                email.to_lowercase(),
                customer.id.clone(),
            ));
        }
    }
    let missing: Vec<String> = owners
        .iter()
        .map(|(_, _, c)| c.clone())
        .filter(|c| !known.iter().any(|k| k.id == *c))
        .collect();
    known.extend(records::by_ids(conn, &missing)?);
    known.retain(|c| c.erased_at.is_none());
    let ids: Vec<String> = known.iter().map(|c| c.id.clone()).collect();
    let visits: HashMap<String, i64> = privacy::visits(conn, &ids)?.into_iter().collect();
    let mut hints = HashMap::new();
    for (booking, identities) in contacts {
        let owner = identities.iter().find_map(|identity| {
            owners
                .iter()
                .find(|(kind, value, _)| *kind == identity.kind && *value == identity.value)
                .and_then(|(kind, _, id)| Some((*kind, known.iter().find(|c| c.id == *id)?)))
        });
        if let Some((matched, customer)) = owner {
            hints.insert(
                booking.id.clone(),
                Hint {
                    customer_id: customer.id.clone(),
                    short_name: short_name(&customer.name),
                    visits: visits.get(&customer.id).copied().unwrap_or(0),
                    matched,
                },
            );
        }
    }
    Ok(hints)
}

/// A booking's contact as identities: its number (E.164 where it can be placed), its address.
fn identities_of(booking: &Booking, region: Region) -> Vec<Identity> {
    let phone = booking
        .customer_phone
        .as_deref()
        .and_then(|p| PhoneNumber::parse("phone", p).ok())
        .map(|p| Identity::phone(&p, region));
    let email = booking
        .customer_email
        .as_deref()
        .and_then(|e| EmailAddress::parse("email", e).ok())
        .map(|e| Identity::email(&e));
    phone.into_iter().chain(email).collect()
}

/// "Vera Vogel" → "Vera V."; a single name stays as it is.
fn short_name(name: &str) -> String {
    let mut words = name.split_whitespace();
    match (words.next(), words.last()) {
        (Some(first), Some(last)) => {
            let initial: String = last.chars().take(1).collect();
            format!("{first} {initial}.")
        }
        (Some(first), None) => first.to_owned(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_read_as_staff_say_them() {
        let hint = Hint {
            customer_id: "c".to_owned(),
            short_name: short_name("Vera  van Vogel"),
            visits: 4,
            matched: IdentityKind::Phone,
        };
        assert_eq!(hint.text(), "same phone as Vera V., 4 visits");
        assert_eq!(short_name("Cher"), "Cher");
        assert_eq!(short_name("Jürgen Özdemir"), "Jürgen Ö.");
    }
}
