//! `#[derive(CEnum)]`: everything libimap's C ABI needs from one `#[repr(i32)]` enum
//! declaration, so the enum, its C constants (cbindgen reads the same declaration), its names
//! and its descriptions cannot drift apart.
//!
//! For `enum ImapState { Logout = 0, ... }` it yields, on the type:
//! - `ALL`: every variant, in declaration order;
//! - `from_i32(i32) -> Option<Self>` and `TryFrom<i32>` (the error is the value), and
//!   `From<Self> for i32`;
//! - `c_name(self) -> &'static CStr`: the C constant, as cbindgen spells it with
//!   `prefix_with_name` and `ScreamingSnakeCase` (`IMAP_STATE_LOGOUT`);
//! - `description(self) -> &'static CStr`: `#[c_enum(desc = "...")]` on the variant, else the
//!   first line of its doc comment without a final period, else its name in lower case;
//! - `UNKNOWN_NAME` (`IMAP_STATE_UNKNOWN`) and `name_of(i32) -> *const c_char`, the body of the
//!   C name function (the constant's name, or `UNKNOWN_NAME` for a value out of range).

use proc_macro::TokenStream;
use proc_macro2::{Literal, Span};
use quote::quote;
use std::ffi::CString;
use syn::{parse_macro_input, Data, DeriveInput, Expr, ExprLit, Lit, Meta};

/// `CamelCase` to `SCREAMING_SNAKE` the way cbindgen does: a `_` before an upper-case letter
/// that follows a lower-case letter or a digit (`Rfc822Header` is `RFC822_HEADER`).
fn screaming(s: &str) -> String {
    let mut out = String::new();
    let mut prev: Option<char> = None;
    for c in s.chars() {
        if c.is_ascii_uppercase()
            && prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
        {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
        prev = Some(c);
    }
    out
}

fn c_literal(s: &str, span: Span) -> Literal {
    let mut l = Literal::c_string(&CString::new(s).expect("no NUL in enum names"));
    l.set_span(span);
    l
}

/// The string of `#[c_enum(desc = "...")]`, if any.
fn desc_attr(attrs: &[syn::Attribute]) -> syn::Result<Option<String>> {
    let mut found = None;
    for a in attrs.iter().filter(|a| a.path().is_ident("c_enum")) {
        a.parse_nested_meta(|m| {
            if m.path.is_ident("desc") {
                let s: syn::LitStr = m.value()?.parse()?;
                found = Some(s.value());
                Ok(())
            } else {
                Err(m.error("expected `desc = \"...\"`"))
            }
        })?;
    }
    Ok(found)
}

/// The first line of the doc comment, without a final period.
fn doc_line(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| match &a.meta {
        Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
            Expr::Lit(ExprLit {
                lit: Lit::Str(s), ..
            }) => {
                let line = s.value().trim().to_string();
                let line = line.strip_suffix('.').unwrap_or(&line).to_string();
                (!line.is_empty()).then_some(line)
            }
            _ => None,
        },
        _ => None,
    })
}

#[proc_macro_derive(CEnum, attributes(c_enum))]
pub fn derive_c_enum(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match expand(&input) {
        Ok(t) => t.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

fn expand(input: &DeriveInput) -> syn::Result<proc_macro2::TokenStream> {
    let Data::Enum(data) = &input.data else {
        return Err(syn::Error::new_spanned(input, "CEnum needs an enum"));
    };
    let ty = &input.ident;
    let prefix = screaming(&ty.to_string());
    let span = ty.span();
    let mut variants = Vec::new();
    let mut names = Vec::new();
    let mut descs = Vec::new();
    for v in &data.variants {
        if !matches!(v.fields, syn::Fields::Unit) || v.discriminant.is_none() {
            return Err(syn::Error::new_spanned(
                v,
                "CEnum variants are units with an explicit number",
            ));
        }
        let ident = &v.ident;
        let desc = match desc_attr(&v.attrs)? {
            Some(d) => d,
            None => doc_line(&v.attrs).unwrap_or_else(|| {
                screaming(&ident.to_string())
                    .replace('_', " ")
                    .to_lowercase()
            }),
        };
        variants.push(ident.clone());
        names.push(c_literal(
            &format!("{prefix}_{}", screaming(&ident.to_string())),
            span,
        ));
        descs.push(c_literal(&desc, span));
    }
    let unknown = c_literal(&format!("{prefix}_UNKNOWN"), span);
    Ok(quote! {
        impl #ty {
            /// Every value, in declaration order.
            pub const ALL: &'static [#ty] = &[#(#ty::#variants),*];
            /// What the C name function gives for a value out of range.
            pub const UNKNOWN_NAME: &'static ::std::ffi::CStr = #unknown;

            /// The value numbered `v`, if there is one.
            pub fn from_i32(v: i32) -> ::std::option::Option<#ty> {
                match v {
                    #(x if x == #ty::#variants as i32 => ::std::option::Option::Some(#ty::#variants),)*
                    _ => ::std::option::Option::None,
                }
            }

            /// The C constant's name.
            pub fn c_name(self) -> &'static ::std::ffi::CStr {
                match self {
                    #(#ty::#variants => #names,)*
                }
            }

            /// A short English description.
            pub fn description(self) -> &'static ::std::ffi::CStr {
                match self {
                    #(#ty::#variants => #descs,)*
                }
            }

            /// The C name of the value numbered `v`, or `UNKNOWN_NAME`: a static string.
            pub fn name_of(v: i32) -> *const ::std::ffi::c_char {
                #ty::from_i32(v).map_or(#ty::UNKNOWN_NAME, #ty::c_name).as_ptr()
            }
        }

        impl ::std::convert::TryFrom<i32> for #ty {
            type Error = i32;
            fn try_from(v: i32) -> ::std::result::Result<#ty, i32> {
                #ty::from_i32(v).ok_or(v)
            }
        }

        impl ::std::convert::From<#ty> for i32 {
            fn from(v: #ty) -> i32 {
                v as i32
            }
        }
    })
}
