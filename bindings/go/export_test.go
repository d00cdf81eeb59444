package imap

// What the tests of package imap_test need of the package's internals.
var (
	LibraryLookups = libraryLookups
	DescribePart   = describePart
)
