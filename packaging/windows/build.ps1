# Builds the Windows installer of Enkash Desktop:
#   dist\enkash-desktop\                        the PyInstaller bundle
#   dist\EnkashDesktop-<version>-setup.exe      the per-user Inno Setup installer
# Needs Python 3.11+ and Inno Setup 6 (choco install innosetup, or ISCC on PATH).
# Run from anywhere: powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
#
# Signing (packaging/README.md, "Signing"): with SIGN_CERT (a .pfx file) and SIGN_PASSWORD, or
# with an Azure Trusted Signing profile (AZURE_SIGNING_DLIB = Azure.CodeSigning.Dlib.dll and
# AZURE_SIGNING_METADATA = its metadata.json), signtool signs both programs, the installer
# and its uninstaller, with an RFC 3161 timestamp (SIGN_TIMESTAMP_URL overrides the server).
# Without them the output is unsigned and the script says what users will see.
$ErrorActionPreference = "Stop"
$Root = Resolve-Path (Join-Path $PSScriptRoot "..\..")
Set-Location $Root

function Say($Message) { Write-Host "[build-windows] $Message" }

function Find-SignTool {
    $found = (Get-Command signtool.exe -ErrorAction SilentlyContinue).Source
    if ($found) { return $found }
    $kits = Join-Path ${env:ProgramFiles(x86)} "Windows Kits\10\bin"
    $candidates = Get-ChildItem -Path $kits -Recurse -Filter signtool.exe -ErrorAction SilentlyContinue |
        Where-Object { $_.FullName -match "\\x64\\" } | Sort-Object FullName -Descending
    if ($candidates) { return $candidates[0].FullName }
    throw "Signing was asked for, but signtool.exe was not found: install the Windows SDK."
}

# The signtool arguments for this build, or $null when nothing asks for signing.
function Get-SignArguments {
    if ($env:AZURE_SIGNING_DLIB -and $env:AZURE_SIGNING_METADATA) {
        $stamp = if ($env:SIGN_TIMESTAMP_URL) { $env:SIGN_TIMESTAMP_URL } else { "http://timestamp.acs.microsoft.com" }
        return @("sign", "/fd", "SHA256", "/tr", $stamp, "/td", "SHA256",
                 "/dlib", $env:AZURE_SIGNING_DLIB, "/dmdf", $env:AZURE_SIGNING_METADATA)
    }
    if ($env:SIGN_CERT) {
        if (-not (Test-Path $env:SIGN_CERT)) { throw "SIGN_CERT names $env:SIGN_CERT, which does not exist." }
        if (-not $env:SIGN_PASSWORD) { throw "SIGN_CERT is set but SIGN_PASSWORD is not: set both to sign." }
        $stamp = if ($env:SIGN_TIMESTAMP_URL) { $env:SIGN_TIMESTAMP_URL } else { "http://timestamp.digicert.com" }
        return @("sign", "/fd", "SHA256", "/tr", $stamp, "/td", "SHA256",
                 "/f", $env:SIGN_CERT, "/p", $env:SIGN_PASSWORD)
    }
    return $null
}

$SignArgs = Get-SignArguments
$SignTool = if ($SignArgs) { Find-SignTool } else { $null }

function Sign-File($Path) {
    & $SignTool @SignArgs $Path | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "signtool could not sign $Path." }
    & $SignTool verify /pa /q $Path
    if ($LASTEXITCODE -ne 0) { throw "The signature of $Path does not verify." }
}

if (-not (Test-Path ".venv\Scripts\python.exe")) {
    Say "Creating .venv and installing the project into it."
    py -3 -m venv .venv
    if ($LASTEXITCODE -ne 0) { throw "Python 3.11 or newer is needed (the py launcher failed)." }
    & .venv\Scripts\python.exe -m pip install --quiet --upgrade pip
    & .venv\Scripts\python.exe -m pip install --quiet -e .
}
if (-not (Test-Path ".venv\Scripts\pyinstaller.exe")) {
    Say "PyInstaller is not in .venv, so it will be installed there."
    & .venv\Scripts\python.exe -m pip install --quiet "pyinstaller>=6.22,<7"
}

$Version = (& .venv\Scripts\python.exe -c "import enkash_desktop; print(enkash_desktop.__version__)").Trim()
Say "Building Enkash Desktop $Version."
Remove-Item -Recurse -Force -ErrorAction SilentlyContinue "dist\enkash-desktop", "build\pyinstaller"
& .venv\Scripts\pyinstaller.exe --noconfirm --clean --log-level WARN `
    --distpath dist --workpath build\pyinstaller packaging\enkash-desktop.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed." }

if ($SignArgs) {
    Say "Signing enkash-desktop.exe and enkash-sso.exe."
    Sign-File "dist\enkash-desktop\enkash-desktop.exe"
    Sign-File "dist\enkash-desktop\enkash-sso.exe"
}

Say "Checking the bundle with its self-test."
$env:ENKASH_DESKTOP_HOME = Join-Path $env:TEMP "enkash-selftest-$PID"
$proc = Start-Process -FilePath "dist\enkash-desktop\enkash-desktop.exe" -ArgumentList "--self-test" `
    -Wait -PassThru -NoNewWindow
Remove-Item -Recurse -Force -ErrorAction SilentlyContinue $env:ENKASH_DESKTOP_HOME
Remove-Item Env:\ENKASH_DESKTOP_HOME
if ($proc.ExitCode -ne 0) { throw "The bundle's self-test failed (exit code $($proc.ExitCode))." }

$Iscc = (Get-Command iscc.exe -ErrorAction SilentlyContinue).Source
if (-not $Iscc) { $Iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
if (-not (Test-Path $Iscc)) { throw "Inno Setup 6 was not found: install it with 'choco install innosetup'." }
$IsccArgs = @("/Qp", "/DAppVersion=$Version")
if ($SignArgs) {
    # Inno Setup signs the setup program and its uninstaller with this command ($f: the file).
    $quoted = ($SignArgs | ForEach-Object { if ($_ -match "\s") { "`$q$_`$q" } else { $_ } }) -join " "
    $IsccArgs += @("/DSign", "/Senkash=`$q$SignTool`$q $quoted `$f")
}
& $Iscc @IsccArgs packaging\windows\enkash-desktop.iss
if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed." }
$Setup = "dist\EnkashDesktop-$Version-setup.exe"
if ($SignArgs) {
    & $SignTool verify /pa /q $Setup
    if ($LASTEXITCODE -ne 0) { throw "The signature of $Setup does not verify." }
    Say "The programs, the installer and its uninstaller are signed and verified."
} else {
    Say ("The output is NOT signed (set SIGN_CERT and SIGN_PASSWORD, or AZURE_SIGNING_DLIB and " +
         "AZURE_SIGNING_METADATA, to sign). Windows SmartScreen will warn 'Windows protected your " +
         "PC' when users start the setup, and some companies' policies block unsigned programs.")
}

Say ("Done: $Setup (installs per user into %LOCALAPPDATA%\Programs\Enkash Desktop, or per " +
     "machine into Program Files with /ALLUSERS).")
