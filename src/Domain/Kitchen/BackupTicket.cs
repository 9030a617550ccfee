using System.Globalization;
using System.Text;
using Restaurant.Domain.Locations;

namespace Restaurant.Domain.Kitchen;

/// <summary>"host:port" of a network kitchen printer.</summary>
public static class PrinterAddress
{
    public static bool TryParse(string value, out string host, out int port)
    {
        host = "";
        port = 0;
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
        {
            return false;
        }

        host = value[..colon];
        return host.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-');
    }
}

/// <summary>
/// A ticket as a kitchen printer prints it when no screen showed it: ESC/POS bytes, which kitchen
/// printers speak over raw TCP (port 9100). A "BACKUP" header, the station, the order number large,
/// where it came from and whose it is, when it fired and printed, each item with its modifiers, its
/// allergies in bold and its note, voided items marked, then a cut. Text is folded to ASCII, which
/// every printer's first code page holds. Pure, so what prints is tested without a printer.
/// </summary>
public static class BackupTicket
{
    public const byte Esc = 0x1B;
    public const byte Gs = 0x1D;

    /// <summary>DLE EOT 1: "send your status". A printer answers one byte; bit 3 (0x08) set means it is offline.</summary>
    public static readonly byte[] StatusRequest = [0x10, 0x04, 0x01];

    /// <summary>The cut that ends every backup ticket (GS V 66 0: feed and partial cut).</summary>
    public static readonly byte[] Cut = [Gs, (byte)'V', 66, 0];

    private const int Width = 32;

    public static byte[] Format(TicketBody ticket, StationDefinition station, LocationSettings settings, DateTimeOffset firedAt, DateTimeOffset now)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(settings.TimeZone);
        string Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, zone).ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        var bytes = new List<byte>(512);
        void Raw(params byte[] command) => bytes.AddRange(command);
        void Line(string text = "") => bytes.AddRange(Encoding.ASCII.GetBytes(Ascii(text) + "\n"));

        Raw(Esc, (byte)'@');
        Raw(Esc, (byte)'a', 1);
        Raw(Gs, (byte)'!', 0x11);
        Line("BACKUP");
        Raw(Gs, (byte)'!', 0x00);
        Line($"FROM {station.Name.ToUpperInvariant()}: NO SCREEN SHOWED IT");
        Raw(Esc, (byte)'a', 0);
        Raw(Esc, (byte)'E', 1);
        Raw(Gs, (byte)'!', 0x11);
        Line(ticket.OrderNumber > 0 ? $"#{ticket.OrderNumber}" : $"Order {ticket.OrderId[..8]}");
        Raw(Gs, (byte)'!', 0x00);
        Raw(Esc, (byte)'E', 0);
        var origin = string.Join(" - ", new[] { ticket.Source?.ToUpperInvariant() ?? "", ticket.GuestName ?? "" }.Where(s => s.Length > 0));
        if (origin.Length > 0)
        {
            Line(origin);
        }

        if (ticket.Course > 1)
        {
            Line($"Course {ticket.Course}");
        }

        Line($"Fired {Local(firedAt)}  Printed {Local(now)}");
        Line(new string('-', Width));
        foreach (var item in ticket.Items)
        {
            var head = $"{item.Quantity} x {item.Name}";
            Line(item.Voided ? $"VOID {head}" : head);
            if (item.ForItem.Length > 0)
            {
                Line($"   for {item.ForItem}");
            }

            foreach (var modifier in item.Modifiers.Where(m => !item.AllergyList.Contains(m, StringComparer.OrdinalIgnoreCase)))
            {
                Line($"   - {modifier}");
            }

            if (item.AllergyList.Count > 0)
            {
                Raw(Esc, (byte)'E', 1);
                foreach (var allergy in item.AllergyList)
                {
                    Line($"   !! {allergy.ToUpperInvariant()}");
                }

                Raw(Esc, (byte)'E', 0);
            }

            if (item.Note.Length > 0)
            {
                Line($"   note: {item.Note}");
            }
        }

        Line(new string('-', Width));
        Line();
        Line();
        Raw(Cut);
        return [.. bytes];
    }

    /// <summary>Text as ASCII: accents dropped ("Sauté" to "Saute"), anything else outside ASCII as '?'.</summary>
    public static string Ascii(string text)
    {
        var folded = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            folded.Append(c is >= ' ' and <= '~' ? c : '?');
        }

        return folded.ToString();
    }
}
