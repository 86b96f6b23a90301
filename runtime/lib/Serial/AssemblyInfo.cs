using System.Runtime.CompilerServices;

// The hardware tests check the error messages for errno values a test cannot provoke as root
// (EACCES): they call the mapping directly.
[assembly: InternalsVisibleTo("TrpoEdge.Hardware.Tests")]
