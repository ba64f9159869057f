-- wrk script: POST /api/v1/auth/login with the bench stack's admin, so every
-- request verifies an argon2id hash (the cost a real login pays).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"email":"' .. os.getenv("TM_ADMIN_EMAIL") .. '","password":"' ..
           os.getenv("TM_ADMIN_PASSWORD") .. '"}'
