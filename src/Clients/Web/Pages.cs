using System.Net;

namespace Restaurant.Web;

/// <summary>The pages' HTML. Each page is a shell; its script fills it from the live stream.</summary>
public static class Pages
{
    private static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    private static IResult Html(string title, string body, string bodyAttributes = "", int status = 200) =>
        Results.Content(
            $"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{E(title)}</title>
            <link rel="stylesheet" href="/app.css">
            </head>
            <body {bodyAttributes}>
            {body}
            </body>
            </html>
            """,
            "text/html; charset=utf-8",
            statusCode: status);

    public static IResult Pair(string next, string? problem = null) => Html(
        "Pair this screen",
        $"""
        <main class="pair">
        <h1>Pair this screen</h1>
        <p>Enter the device token your manager gave this screen. It is kept on this device only, in a
        cookie that page script cannot read; you pair once.</p>
        <form method="post" action="/pair">
        <label for="token">Device token</label>
        <input id="token" name="token" type="password" autocomplete="off" autocapitalize="off" spellcheck="false" required>
        <input type="hidden" name="next" value="{E(next)}">
        {(problem is null ? "" : $"<p class=\"problem\" role=\"alert\">{E(problem)}</p>")}
        <button type="submit">Pair</button>
        </form>
        </main>
        """,
        status: problem is null ? 200 : 401);

    public static IResult Paired(string deviceId, string role, string location, IReadOnlyList<(string Href, string Name)> screens) => Html(
        "Paired",
        $"""
        <main class="pair">
        <h1>Paired</h1>
        <p>This screen is <strong>{E(deviceId)}</strong> ({E(role)}) at <strong>{E(location)}</strong>.</p>
        <ul class="screens">
        {string.Concat(screens.Select(s => $"<li><a class=\"big\" href=\"{E(s.Href)}\">{E(s.Name)}</a></li>"))}
        </ul>
        <p><a href="/unpair">Unpair this screen</a></p>
        </main>
        """);

    public static IResult Problem(string title, string message, int status) => Html(
        title,
        $"""
        <main class="pair">
        <h1>{E(title)}</h1>
        <p class="problem" role="alert">{E(message)}</p>
        <p><a href="/pair">Pair this screen again</a></p>
        </main>
        """,
        status: status);

    public static IResult Station(StationPage page) => Html(
        $"{page.StationName} · {page.LocationName}",
        $"""
        <header class="bar">
        <h1>{E(page.StationName)}</h1>
        <span class="where">{E(page.LocationName)}{(page.Screen.Length > 0 ? $" · screen {E(page.Screen)}" : "")}</span>
        <span class="grow"></span>
        <span id="conn" class="conn reconnecting" role="status">RECONNECTING</span>
        <button id="recall" class="action" type="button" disabled>Recall</button>
        <button id="prev" class="action" type="button" aria-label="Previous page">◀</button>
        <button id="next" class="action" type="button" aria-label="Next page">▶</button>
        </header>
        <div id="stale" class="stale-banner" role="alert" hidden></div>
        <div id="start" class="start-shift"><button id="start-shift" type="button">Start shift</button>
        <p>Tap to turn on the sound and keep this screen awake.</p></div>
        <div class="layout">
        <main id="tickets" class="tickets" aria-label="Tickets"></main>
        <aside class="side">
        <section aria-labelledby="allday-title"><h2 id="allday-title">ALL DAY</h2><ul id="allday" class="counts"></ul></section>
        <section aria-labelledby="off-title"><h2 id="off-title">86</h2><ul id="off" class="counts"></ul></section>
        <section aria-labelledby="recent-title"><h2 id="recent-title">Recently bumped</h2><ul id="recent" class="recent"></ul></section>
        <p id="page-info" class="page-info"></p>
        </aside>
        </div>
        <script src="/dom.js"></script>
        <script src="/kds.js"></script>
        """,
        $"class=\"kds{(page.IsExpo ? " expo" : "")}\" data-location=\"{E(page.Location)}\" data-station=\"{E(page.Station)}\" data-screen=\"{E(page.Screen)}\" "
        + $"data-expo=\"{(page.IsExpo ? "true" : "false")}\" data-stale-ms=\"{(long)page.StaleAfter.TotalMilliseconds}\"");

    public static IResult Manager(string location, string locationName) => Html(
        $"Manager · {locationName}",
        $"""
        <header class="bar"><h1>{E(locationName)}</h1><span class="where">manager</span><span class="grow"></span>
        <span id="conn" class="conn reconnecting" role="status">RECONNECTING</span></header>
        <div class="manager">
        <section class="incidents" aria-labelledby="incidents-title"><h2 id="incidents-title">Incidents <span id="open-count" class="count"></span></h2>
        <div id="incidents" class="incident-list"></div><h3>Recently resolved</h3><ul id="resolved" class="resolved"></ul></section>
        <section aria-labelledby="health-title"><h2 id="health-title">Stations</h2>
        <table class="health"><thead><tr><th scope="col">Station</th><th scope="col">Screens</th><th scope="col">Open</th><th scope="col">Oldest</th><th scope="col">Not shown</th><th scope="col">Printer</th></tr></thead>
        <tbody id="health"></tbody></table>
        <h2 id="speed-title">Speed of service today</h2><div id="speed" class="speed" role="img" aria-label="Speed of service today: no tickets bumped yet"></div></section>
        <section aria-labelledby="menu-title"><h2 id="menu-title">86 and counts</h2><ul id="off" class="counts"></ul>
        <form id="eighty-six" class="eighty-six"><label for="item">Item</label><select id="item"></select><button type="submit">86</button></form>
        <p id="menu-problem" class="problem" role="alert" hidden></p></section>
        </div>
        <script src="/dom.js"></script>
        <script src="/manager.js"></script>
        """,
        $"class=\"manager-page\" data-location=\"{E(location)}\"");

    public static IResult Board(string location, string locationName) => Html(
        $"{locationName} · orders",
        $"""
        <header class="bar board-bar"><h1>{E(locationName)}</h1><span class="grow"></span>
        <span id="conn" class="conn reconnecting" role="status">RECONNECTING</span></header>
        <main class="board">
        <section aria-labelledby="preparing-title"><h2 id="preparing-title">Preparing</h2><ul id="preparing" class="numbers"></ul></section>
        <section aria-labelledby="ready-title"><h2 id="ready-title">Ready</h2><ul id="ready" class="numbers ready"></ul></section>
        </main>
        <script src="/board.js"></script>
        """,
        $"class=\"board-page\" data-location=\"{E(location)}\"");
}

/// <summary>What a station page needs to know before its stream starts.</summary>
public sealed record StationPage(string Location, string LocationName, string Station, string StationName, bool IsExpo, string Screen, TimeSpan StaleAfter);
